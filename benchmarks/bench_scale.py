"""Scale on SQLite and PostgreSQL, side by side: 1M papers and 300k repositories by default.

    python benchmarks/bench_scale.py                                 # 1,000,000 / 300,000
    python benchmarks/bench_scale.py --papers 100000 --repos 30000   # quicker
    python benchmarks/bench_scale.py --pg-url postgresql://postgres@127.0.0.1:54329/postgres
    python benchmarks/bench_scale.py --papers 200000 --repos 60000 --phases ingest --jobs 2
    python benchmarks/bench_scale.py --papers 300000 --repos 300000 --phases plan --keep /tmp/s
    python benchmarks/bench_scale.py --phases plan --reuse /tmp/s        # no ingest this time

One synthetic HF-listing file is written (every paper links one of `--repos` GitHub
repositories; a tenth promise code instead), then each backend runs in a fresh process:

1. ingest: the real `pipeline.ingest` (read, extract, save) of the whole file, extracting in
   `--jobs` processes (1: in the saving process, as before); `ingest_store_s` is the time spent
   saving batches of extracted papers -- identity look-ups and writes, most of it the
   database's -- and `ingest_extract_s` the rest of the ingest, mostly waiting for extracted
   papers (on PostgreSQL a batch is saved while the next is gathered, so only the waiting that
   saving did not cover counts), and the commit; `ingest_cpu_s`, `ingest_workers_cpu_s` and
   (for a PostgreSQL server on this machine) `ingest_server_cpu_s` are the CPU seconds of the
   ingesting process, its extraction workers and the server's backend, which compare across
   runs on a busy machine far better than wall times;
2. repository facts for every linked repository, bulk-inserted as a check would leave them
   (ok, unknown, not found, some never checked), and on PostgreSQL their statistics, as
   autovacuum would gather them soon after: untimed setup;
3. check planning: what `tracker check` decides before its first request
   (`tracker.schedule.plan`: due repositories, open promises first, `--max-age 7d`) for all
   repositories (`plan_s`) and for `--shard 1/4` (`plan_shard_s`), each with the CPU seconds
   of the planning process (`plan_cpu_s`, `plan_shard_cpu_s`) and of a PostgreSQL server's
   backend on this machine (`plan_server_cpu_s`, `plan_shard_server_cpu_s`);
4. flag: `flag_papers` over every paper (`flag_all_s`), with the worker processes
   `tracker flag` starts by default (`flag_jobs`; `flag_peak_mb` is the saving process's,
   each worker is a process of its own), then, after new facts of every
   hundredth repository (a check's new star counts: about 1% of the papers link one), the
   incremental run the scheduled job makes after a check (`incremental_flag_s`, and its share
   of the full run, `incremental_flag_ratio`);
5. report: the headline summary, the Markdown report and the full CSV export.

Each phase runs in a fresh process, so its peak memory (Linux `VmHWM`) is its own;
`peak_rss_mb` is the largest of planning, flagging and reporting. The
backends are each other's baseline: the same work, the same data. PostgreSQL runs when
`--pg-url` or TRACKER_TEST_POSTGRES_URL names a server; a fresh database is created and
dropped. `--phases` runs some phases only (in order; each needs the ones before it, so
`ingest` is always run). `--keep DIR` keeps the listing and both databases in DIR (the
PostgreSQL one is named in DIR/postgres-url) and `--reuse DIR` runs the later phases on them
again without the ingest, so a phase can be timed repeatedly at scale (`flag` writes: a reused
database after it is no longer fresh from ingest). The last line printed is one JSON object, with the ingest rates of
both backends and their ratio at its top level (`sqlite_ingest_per_s`, `pg_ingest_per_s`,
`pg_to_sqlite_ingest`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PHASES = ("ingest", "plan", "flag", "report")


def _peak_reset() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phase(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    _peak_reset()
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, _peak_mb(), value


# -- the synthetic listing ------------------------------------------------------------------

_WORDS = [
    "sparse",
    "graph",
    "diffusion",
    "token",
    "retrieval",
    "vision",
    "speech",
    "agent",
    "reward",
    "protein",
    "latent",
    "neural",
    "robust",
    "causal",
    "efficient",
    "scaling",
]


def repo_name(j: int) -> str:
    return f"lab-{j % 5000}/{_WORDS[j % 16]}-{_WORDS[(j // 16) % 16]}-{j}"


def write_listing(path: Path, papers: int, repos: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Trending Papers\n\n")
        for i in range(papers):
            a, b, c = rng.sample(_WORDS, 3)
            repo = f"https://github.com/{repo_name(i % repos)}"
            if i % 10 == 0:
                claim = f"Code will be released upon acceptance at {repo}."
            else:
                claim = f"Our code is available at {repo}."
            fh.write(
                f"{a.title()} {b.title()} Models for {c.title()} Tasks, Study {i}\n\n"
                f"We study {a} {b} models for {c} tasks and report gains of {i % 40 + 1} "
                f"points on {i % 7 + 2} benchmarks. {claim}\n\n"
            )


# -- one backend, in its own process ---------------------------------------------------------


def _repository_rows(repos: int, now: dt.datetime) -> Iterator[dict[str, Any]]:
    for j in range(repos):
        if j % 10 == 9:
            continue  # never checked: no row yet
        status = "unknown" if j % 10 == 7 else "not_found" if j % 10 == 8 else "ok"
        name = repo_name(j)
        yield {
            "key": name.lower(),
            "full_name": name,
            "status": status,
            "stars": j % 500,
            "license_spdx": "MIT" if j % 3 else None,
            "source_files": 12 if status == "ok" else None,
            "placeholder": status == "ok" and j % 17 == 0,
            "first_seen_at": now - dt.timedelta(days=60),
            "last_checked_at": now - dt.timedelta(hours=j % (24 * 30)),
        }


def _insert_repositories(engine: Any, repos: int) -> None:
    """The repository rows checks would have left, then (PostgreSQL) their statistics, which
    autovacuum gathers within a minute of such a load, long before the next day's plan."""
    from sqlalchemy import insert

    from tracker.store.bulk import gather_statistics
    from tracker.store.schema import Repository

    now = dt.datetime.now(dt.UTC)
    table = Repository
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in _repository_rows(repos, now):
            batch.append(row)
            if len(batch) == 5000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
    gather_statistics(engine, table, repos, ())


def _plan(engine: Any, shard: Any) -> int:
    from tracker.schedule import plan

    with engine.connect() as conn:
        return len(plan(conn, dt.datetime.now(dt.UTC), dt.timedelta(days=7), None, shard))


def _report(engine: Any, out: Path) -> int:
    from tracker.reports.csv_export import write_csv
    from tracker.reports.markdown import write_markdown
    from tracker.store.reporting import iter_report_views, report_summary

    with engine.connect() as conn:
        summary = report_summary(conn)
        write_markdown(iter_report_views(conn), summary, io.StringIO())
        with out.open("w", encoding="utf-8", newline="") as fh:
            return write_csv(iter_report_views(conn), fh)


def _timed_saving(papers: Any) -> list[float]:
    """Make the store add to the returned cell the time it spends saving batches of papers
    (`papers._save_batch`: identity look-ups and writes, most of it the database's), in
    whichever thread saves them."""
    spent = [0.0]
    save = papers._save_batch

    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return save(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    papers._save_batch = timed
    return spent


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _server_process(engine: Any) -> int | None:
    """The process id of the PostgreSQL backend behind the engine's (pooled) connection, when
    the server runs on this machine and this process may read its CPU time; else None."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        pid, host = conn.exec_driver_sql("SELECT pg_backend_pid(), inet_server_addr()").one()
    if host is not None and str(host) not in ("127.0.0.1", "::1"):
        return None
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        _server_cpu_s(pid)
    except (OSError, ValueError, IndexError):
        return None
    return int(pid) if name.startswith("postgres") else None


def _server_cpu_s(pid: int) -> float:
    return _stat(pid)[1]


def _stat(pid: int) -> tuple[int, float]:
    """A process's parent and CPU seconds so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ingest(url: str, listing: Path, repos: int, jobs: int) -> dict[str, Any]:
    """The ingest's times, and its CPU seconds (which other work on a busy machine moves far
    less than wall times): the ingesting process with its saving thread, its extraction
    workers, and a local PostgreSQL server's backend (None for a remote one, and SQLite, whose
    work is the ingesting process's)."""
    from tracker import pipeline
    from tracker.store import open_db, papers

    engine = open_db(url)
    saving = _timed_saving(papers)
    server = _server_process(engine)
    cpu = (_cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN))
    server_cpu = _server_cpu_s(server) if server is not None else 0.0
    took, peak, summary = _phase(lambda: pipeline.ingest(engine, [str(listing)], jobs=jobs))
    if server is not None and _server_process(engine) == server:
        server_spent: float | None = round(_server_cpu_s(server) - server_cpu, 2)
    else:  # the ingest had another connection: its backend is gone
        server_spent = None
    spent = (_cpu_s(resource.RUSAGE_SELF) - cpu[0], _cpu_s(resource.RUSAGE_CHILDREN) - cpu[1])
    t = time.perf_counter()
    _insert_repositories(engine, repos)
    return {
        "papers": summary.papers_seen,
        "ingest_jobs": jobs,
        "ingest_s": round(took, 2),
        "ingest_papers_per_s": round(summary.papers_seen / took),
        "ingest_extract_s": round(took - saving[0], 2),
        "ingest_store_s": round(saving[0], 2),
        "ingest_cpu_s": round(spent[0], 2),
        "ingest_workers_cpu_s": round(spent[1], 2),
        "ingest_server_cpu_s": server_spent,
        "ingest_peak_mb": round(peak),
        "setup_repositories_s": round(time.perf_counter() - t, 2),
    }


def _planning(url: str) -> dict[str, Any]:
    # imported before the clock starts: `tracker.schedule` brings in every checker (HTTP
    # clients, GitHub's libraries), which a `tracker check` has loaded before it plans
    import tracker.schedule  # noqa: F401
    from tracker.check.shard import Shard
    from tracker.store import open_db

    engine = open_db(url)
    server = _server_process(engine)

    def cpu() -> tuple[float, float]:
        return _cpu_s(resource.RUSAGE_SELF), _server_cpu_s(server) if server else 0.0

    def timed(name: str, shard: Any) -> dict[str, Any]:
        """A plan's wall time, and its CPU seconds: this process's, and for a local
        PostgreSQL the server backend's (None when the plan had another backend)."""
        before = cpu()
        took, peak, due = _phase(lambda: _plan(engine, shard))
        after = cpu()
        same = server is None or _server_process(engine) == server
        return {
            f"{name}_s": round(took, 2),
            f"{name}_due": due,
            f"{name}_cpu_s": round(after[0] - before[0], 2),
            f"{name}_server_cpu_s": round(after[1] - before[1], 2) if server and same else None,
            f"{name}_peak_mb": round(peak),
        }

    figures = timed("plan", None)
    shard = timed("plan_shard", Shard(1, 4))
    del shard["plan_shard_peak_mb"]
    return figures | shard


def _new_facts(engine: Any, every: int = 100) -> None:
    """New star counts for every `every`-th repository, as a check writes them."""
    from sqlalchemy import update

    from tracker.store.schema import Repository

    r = Repository
    with engine.begin() as conn:
        conn.execute(update(r).where(r.c.id % every == 0).values(stars=r.c.stars + 1))


class _Descendants:
    """CPU seconds of this process's descendants while they run, sampled from /proc: a flag
    run's workers are children of a forkserver that outlives the run, so the operating
    system's account of finished children never holds them. Nothing where /proc is missing."""

    def __init__(self, every_s: float = 0.2) -> None:
        self._seen: dict[int, float] = {}
        self._every = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _Descendants:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._look()

    def cpu_s(self) -> float:
        return sum(self._seen.values())

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self._look()

    def _look(self) -> None:
        children: dict[int, list[int]] = {}
        spent: dict[int, float] = {}
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                parent, spent[pid] = _stat(pid)
            except OSError:
                continue
            children.setdefault(parent, []).append(pid)
        todo = list(children.get(os.getpid(), []))
        while todo:
            pid = todo.pop()
            self._seen[pid] = max(self._seen.get(pid, 0.0), spent.get(pid, 0.0))
            todo += children.get(pid, [])


def _flagging(url: str) -> dict[str, Any]:
    from tracker.config import Settings
    from tracker.flags.run import flag_papers
    from tracker.processes import default_jobs
    from tracker.store import open_db

    engine = open_db(url)
    server = _server_process(engine)
    cfg = Settings(db_url=url)
    jobs = default_jobs()  # what `tracker flag` uses
    own, server_cpu = _cpu_s(resource.RUSAGE_SELF), _server_cpu_s(server) if server else 0.0
    with _Descendants() as workers:
        took, peak, _ = _phase(lambda: flag_papers(engine, cfg, jobs=jobs))
    own = _cpu_s(resource.RUSAGE_SELF) - own
    same = server is None or _server_process(engine) == server
    server_spent = round(_server_cpu_s(server) - server_cpu, 2) if server and same else None
    _new_facts(engine)
    again, again_peak, summary = _phase(lambda: flag_papers(engine, cfg, jobs=jobs))
    return {
        "flag_jobs": jobs,
        "flag_all_s": round(took, 2),
        "flag_cpu_s": round(own, 2),
        "flag_workers_cpu_s": round(workers.cpu_s(), 2),
        "flag_server_cpu_s": server_spent,
        "flag_peak_mb": round(max(peak, again_peak)),
        "incremental_flag_s": round(again, 2),
        "incremental_flag_papers": summary.judged,
        "incremental_flag_ratio": round(again / took, 4),
    }


def _reporting(url: str, out: Path) -> dict[str, Any]:
    from tracker.store import open_db

    engine = open_db(url)
    took, peak, rows = _phase(lambda: _report(engine, out))
    return {"report_s": round(took, 2), "report_rows": rows, "report_peak_mb": round(peak)}


def worker(
    phase: str, url: str, listing: Path, repos: int, work: Path, jobs: int = 1
) -> dict[str, Any]:
    """One phase in a fresh process, so its peak memory is its own."""
    if phase == "ingest":
        return _ingest(url, listing, repos, jobs)
    if phase == "plan":
        return _planning(url)
    if phase == "flag":
        return _flagging(url)
    return _reporting(url, work / "export.csv")


# -- driver -----------------------------------------------------------------------------------


def _phases(text: str) -> tuple[str, ...]:
    """`--phases`: the named phases in their running order, with `ingest`, which the others
    read the database of."""
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = names - set(PHASES)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown phase {sorted(unknown)[0]!r}; phases: {', '.join(PHASES)}"
        )
    return tuple(p for p in PHASES if p in names or p == "ingest")


def _pg_database(admin: str) -> tuple[str, Callable[[], None]]:
    from sqlalchemy import create_engine, text

    sqla = admin.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(sqla, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin.rsplit("/", 1)[0] + "/" + name, drop


def _run_backend(
    backend: str,
    url: str,
    listing: Path,
    repos: int,
    work: Path,
    phases: tuple[str, ...] = PHASES,
    jobs: int = 1,
) -> dict[str, Any]:
    """The phases of one backend, each in its own process."""
    figures: dict[str, Any] = {}
    for phase in phases:
        cmd = [sys.executable, __file__, "--worker", phase, "--url", url]
        cmd += ["--listing", str(listing), "--repos", str(repos), "--work", str(work)]
        cmd += ["--jobs", str(jobs)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(
                f"{backend} {phase} failed:\n{done.stderr[:1500]}\n...\n{done.stderr[-1500:]}"
            )
        figures |= json.loads(done.stdout.strip().splitlines()[-1])
    peaks = [figures[k] for k in ("plan_peak_mb", "flag_peak_mb", "report_peak_mb") if k in figures]
    if peaks:
        figures["peak_rss_mb"] = max(peaks)
    return figures


ROWS = [
    ("papers ingested", "papers", "{:,}"),
    ("ingest time (s)", "ingest_s", "{:,.1f}"),
    ("ingest rate (papers/s)", "ingest_papers_per_s", "{:,}"),
    ("  not saving: extraction, commit (s)", "ingest_extract_s", "{:,.1f}"),
    ("  storing (s)", "ingest_store_s", "{:,.1f}"),
    ("  CPU: ingesting process (s)", "ingest_cpu_s", "{:,.1f}"),
    ("  CPU: extraction workers (s)", "ingest_workers_cpu_s", "{:,.1f}"),
    ("  CPU: PostgreSQL backend (s)", "ingest_server_cpu_s", "{:,.1f}"),
    ("ingest peak memory (MB)", "ingest_peak_mb", "{:,}"),
    ("check planning, all (s)", "plan_s", "{:,.2f}"),
    ("  repositories due", "plan_due", "{:,}"),
    ("  CPU: planning process (s)", "plan_cpu_s", "{:,.2f}"),
    ("  CPU: PostgreSQL backend (s)", "plan_server_cpu_s", "{:,.2f}"),
    ("check planning, shard 1/4 (s)", "plan_shard_s", "{:,.2f}"),
    ("  repositories due", "plan_shard_due", "{:,}"),
    ("  CPU: planning process (s)", "plan_shard_cpu_s", "{:,.2f}"),
    ("  CPU: PostgreSQL backend (s)", "plan_shard_server_cpu_s", "{:,.2f}"),
    ("planning peak memory (MB)", "plan_peak_mb", "{:,}"),
    ("flag all papers (s)", "flag_all_s", "{:,.1f}"),
    ("  flag processes", "flag_jobs", "{:,}"),
    ("  CPU: saving process (s)", "flag_cpu_s", "{:,.1f}"),
    ("  CPU: worker processes (s)", "flag_workers_cpu_s", "{:,.1f}"),
    ("  CPU: its PostgreSQL backend (s)", "flag_server_cpu_s", "{:,.1f}"),
    ("flag after new facts of 1% (s)", "incremental_flag_s", "{:,.2f}"),
    ("  papers judged again", "incremental_flag_papers", "{:,}"),
    ("  share of the full run", "incremental_flag_ratio", "{:.2%}"),
    ("flag peak memory (MB)", "flag_peak_mb", "{:,}"),
    ("report: summary + Markdown + CSV (s)", "report_s", "{:,.1f}"),
    ("  CSV rows", "report_rows", "{:,}"),
    ("report peak memory (MB)", "report_peak_mb", "{:,}"),
    ("peak memory after ingest (MB)", "peak_rss_mb", "{:,}"),
]


def _table(results: dict[str, dict[str, Any] | None]) -> str:
    names = list(results)
    lines = [f"{'':40}" + "".join(f"{n:>16}" for n in names)]
    for label, key, fmt in ROWS:
        cells = []
        for n in names:
            r = results[n]
            known = r is not None and r.get(key) is not None
            cells.append(f"{fmt.format(r[key]) if known else '-':>16}")  # type: ignore[index]
        lines.append(f"{label:40}" + "".join(cells))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--repos", type=int, default=300_000)
    ap.add_argument("--pg-url", default=os.environ.get("TRACKER_TEST_POSTGRES_URL"))
    ap.add_argument(
        "--phases",
        type=_phases,
        default=PHASES,
        help=f"comma-separated phases to run, of {','.join(PHASES)} (ingest always runs)",
    )
    ap.add_argument(
        "--jobs", type=int, default=1, help="extraction processes of the ingest (default 1)"
    )
    where = ap.add_mutually_exclusive_group()
    where.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the listing and both databases in DIR"
    )
    where.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="run the phases after ingest on the databases a --keep run left in DIR",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        figures = worker(args.worker, args.url, args.listing, args.repos, args.work, args.jobs)
        print(json.dumps(figures))
        return
    with contextlib.ExitStack() as stack:
        if args.keep or args.reuse:
            work = args.keep or args.reuse
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-")))
        head, results = _run(args, work, stack)
        print(_table(results))
    print(json.dumps({**head, **ingest_rates(results), **results}))


_KEPT = ("kept.json", "postgres-url")
"""What a --keep run leaves beside its databases: its sizes, and the kept PostgreSQL database."""


def _run(
    args: argparse.Namespace, work: Path, stack: contextlib.ExitStack
) -> tuple[dict[str, Any], dict[str, dict[str, Any] | None]]:
    listing = work / "listing.txt"
    phases: tuple[str, ...] = args.phases
    if args.reuse:
        kept = json.loads((work / _KEPT[0]).read_text())
        papers, repos = kept["papers"], kept["repos"]
        phases = tuple(p for p in phases if p != "ingest")
        print(f"reusing {work}: {papers:,} papers, {repos:,} repositories", flush=True)
    else:
        papers, repos = args.papers, args.repos
        t = time.perf_counter()
        write_listing(listing, papers, repos)
        print(
            f"listing: {papers:,} papers, {repos:,} repositories, "
            f"{listing.stat().st_size / 1e6:,.0f} MB, written in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
        if args.keep:
            (work / _KEPT[0]).write_text(json.dumps({"papers": papers, "repos": repos}))
    results: dict[str, dict[str, Any] | None] = {}
    print("sqlite ...", flush=True)
    lite = work / "bench.db"
    if not args.reuse:
        lite.unlink(missing_ok=True)
    chosen = {"phases": phases, "jobs": args.jobs}
    results["sqlite"] = _run_backend("sqlite", f"sqlite:///{lite}", listing, repos, work, **chosen)
    pg_file = work / _KEPT[1]
    if args.reuse and pg_file.exists():
        print("postgres ...", flush=True)
        url = pg_file.read_text().strip()
        results["postgres"] = _run_backend("postgres", url, listing, repos, work, **chosen)
    elif args.pg_url and not args.reuse:
        print("postgres ...", flush=True)
        url, drop = _pg_database(args.pg_url)
        if args.keep:
            pg_file.write_text(url + "\n")
        else:
            stack.callback(drop)
        results["postgres"] = _run_backend("postgres", url, listing, repos, work, **chosen)
    else:
        results["postgres"] = None
        why = f"none kept in {work}" if args.reuse else "no --pg-url / TRACKER_TEST_POSTGRES_URL"
        print(f"postgres: skipped ({why})")
    return {"benchmark": "scale", "papers": papers, "repos": repos}, results


def ingest_rates(results: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The ingest rates of both backends and PostgreSQL's as a fraction of SQLite's (the
    target: at least 0.8), None for a backend that did not run."""
    lite, pg = ((results.get(n) or {}).get("ingest_papers_per_s") for n in ("sqlite", "postgres"))
    ratio = round(pg / lite, 2) if lite and pg else None
    return {"sqlite_ingest_per_s": lite, "pg_ingest_per_s": pg, "pg_to_sqlite_ingest": ratio}


if __name__ == "__main__":
    main()
