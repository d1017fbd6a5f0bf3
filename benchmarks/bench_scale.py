"""Scale on SQLite and PostgreSQL, side by side: 1M papers and 300k repositories by default.

    python benchmarks/bench_scale.py                                 # 1,000,000 / 300,000
    python benchmarks/bench_scale.py --papers 100000 --repos 30000   # quicker
    python benchmarks/bench_scale.py --pg-url postgresql://postgres@127.0.0.1:54329/postgres

One synthetic HF-listing file is written (every paper links one of `--repos` GitHub
repositories; a tenth promise code instead), then each backend runs in a fresh process:

1. ingest: the real `pipeline.ingest` (read, extract, save) of the whole file;
2. repository facts for every linked repository, bulk-inserted as a check would leave them
   (ok, unknown, not found, some never checked), untimed setup;
3. check planning: what `tracker check` decides before its first request -- due repositories,
   open promises first, `--max-age 7d` -- for all repositories and for `--shard 1/4`;
4. flag: `flag_papers` over every paper (what the scheduled job runs after the check);
5. report: the headline summary, the Markdown report and the full CSV export.

Each phase runs in a fresh process, so its peak memory (Linux `VmHWM`) is its own. The
backends are each other's baseline: the same work, the same data. PostgreSQL runs when
`--pg-url` or TRACKER_TEST_POSTGRES_URL names a server; a fresh database is created and
dropped. The last line printed is one JSON object.
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
    from sqlalchemy import insert

    from tracker.store.tables import Repository

    now = dt.datetime.now(dt.UTC)
    table = Repository.__table__  # type: ignore[attr-defined]
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in _repository_rows(repos, now):
            batch.append(row)
            if len(batch) == 5000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)


def _plan(engine: Any, shard: Any) -> int:
    from tracker.check.shard import in_shard
    from tracker.schedule import choose
    from tracker.store.repos import due_repos
    from tracker.store.tracking import open_promise_repos

    with engine.connect() as conn:
        repos = [r for r in due_repos(conn) if shard is None or in_shard(r.key, shard.k, shard.n)]
        urgent = open_promise_repos(conn)
    return len(choose(repos, dt.datetime.now(dt.UTC), dt.timedelta(days=7), None, urgent))


def _report(engine: Any, out: Path) -> int:
    from tracker.reports.csv_export import write_csv
    from tracker.reports.markdown import write_markdown
    from tracker.store.reporting import iter_report_views, report_summary

    with engine.connect() as conn:
        summary = report_summary(conn)
        write_markdown(iter_report_views(conn), summary, io.StringIO())
        with out.open("w", encoding="utf-8", newline="") as fh:
            return write_csv(iter_report_views(conn), fh)


def _ingest(url: str, listing: Path, repos: int) -> dict[str, Any]:
    from tracker import pipeline
    from tracker.store import open_db

    engine = open_db(url)
    took, peak, summary = _phase(lambda: pipeline.ingest(engine, [str(listing)]))
    t = time.perf_counter()
    _insert_repositories(engine, repos)
    return {
        "papers": summary.papers_seen,
        "ingest_s": round(took, 2),
        "ingest_papers_per_s": round(summary.papers_seen / took),
        "ingest_peak_mb": round(peak),
        "setup_repositories_s": round(time.perf_counter() - t, 2),
    }


def _planning(url: str) -> dict[str, Any]:
    from tracker.check.shard import Shard
    from tracker.store import open_db

    engine = open_db(url)
    took, peak, due = _phase(lambda: _plan(engine, None))
    figures = {"plan_s": round(took, 2), "plan_due": due, "plan_peak_mb": round(peak)}
    took, _, due = _phase(lambda: _plan(engine, Shard(1, 4)))
    return figures | {"plan_shard_s": round(took, 2), "plan_shard_due": due}


def _flagging(url: str) -> dict[str, Any]:
    from tracker.config import Settings
    from tracker.flags.run import flag_papers
    from tracker.store import open_db

    engine = open_db(url)
    took, peak, _ = _phase(lambda: flag_papers(engine, Settings(db_url=url)))
    return {"flag_s": round(took, 2), "flag_peak_mb": round(peak)}


def _reporting(url: str, out: Path) -> dict[str, Any]:
    from tracker.store import open_db

    engine = open_db(url)
    took, peak, rows = _phase(lambda: _report(engine, out))
    return {"report_s": round(took, 2), "report_rows": rows, "report_peak_mb": round(peak)}


def worker(phase: str, url: str, listing: Path, repos: int, work: Path) -> dict[str, Any]:
    """One phase in a fresh process, so its peak memory is its own."""
    if phase == "ingest":
        return _ingest(url, listing, repos)
    if phase == "plan":
        return _planning(url)
    if phase == "flag":
        return _flagging(url)
    return _reporting(url, work / "export.csv")


# -- driver -----------------------------------------------------------------------------------


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


def _run_backend(backend: str, url: str, listing: Path, repos: int, work: Path) -> dict[str, Any]:
    """Every phase of one backend, each in its own process."""
    figures: dict[str, Any] = {}
    for phase in PHASES:
        cmd = [sys.executable, __file__, "--worker", phase, "--url", url]
        cmd += ["--listing", str(listing), "--repos", str(repos), "--work", str(work)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(
                f"{backend} {phase} failed:\n{done.stderr[:1500]}\n...\n{done.stderr[-1500:]}"
            )
        figures |= json.loads(done.stdout.strip().splitlines()[-1])
    return figures


ROWS = [
    ("papers ingested", "papers", "{:,}"),
    ("ingest time (s)", "ingest_s", "{:,.1f}"),
    ("ingest rate (papers/s)", "ingest_papers_per_s", "{:,}"),
    ("ingest peak memory (MB)", "ingest_peak_mb", "{:,}"),
    ("check planning, all (s)", "plan_s", "{:,.2f}"),
    ("  repositories due", "plan_due", "{:,}"),
    ("check planning, shard 1/4 (s)", "plan_shard_s", "{:,.2f}"),
    ("  repositories due", "plan_shard_due", "{:,}"),
    ("planning peak memory (MB)", "plan_peak_mb", "{:,}"),
    ("flag all papers (s)", "flag_s", "{:,.1f}"),
    ("flag peak memory (MB)", "flag_peak_mb", "{:,}"),
    ("report: summary + Markdown + CSV (s)", "report_s", "{:,.1f}"),
    ("  CSV rows", "report_rows", "{:,}"),
    ("report peak memory (MB)", "report_peak_mb", "{:,}"),
]


def _table(results: dict[str, dict[str, Any] | None]) -> str:
    names = list(results)
    lines = [f"{'':40}" + "".join(f"{n:>16}" for n in names)]
    for label, key, fmt in ROWS:
        cells = []
        for n in names:
            r = results[n]
            cells.append(f"{fmt.format(r[key]) if r and key in r else '-':>16}")
        lines.append(f"{label:40}" + "".join(cells))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--repos", type=int, default=300_000)
    ap.add_argument("--pg-url", default=os.environ.get("TRACKER_TEST_POSTGRES_URL"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.url, args.listing, args.repos, args.work)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        listing = work / "listing.txt"
        t = time.perf_counter()
        write_listing(listing, args.papers, args.repos)
        print(
            f"listing: {args.papers:,} papers, {args.repos:,} repositories, "
            f"{listing.stat().st_size / 1e6:,.0f} MB, written in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
        results: dict[str, dict[str, Any] | None] = {}
        print("sqlite ...", flush=True)
        results["sqlite"] = _run_backend(
            "sqlite", f"sqlite:///{work / 'bench.db'}", listing, args.repos, work
        )
        if args.pg_url:
            print("postgres ...", flush=True)
            url, drop = _pg_database(args.pg_url)
            try:
                results["postgres"] = _run_backend("postgres", url, listing, args.repos, work)
            finally:
                drop()
        else:
            results["postgres"] = None
            print("postgres: skipped (no --pg-url / TRACKER_TEST_POSTGRES_URL)")
        print(_table(results))
    print(json.dumps({"benchmark": "scale", "papers": args.papers, "repos": args.repos, **results}))


if __name__ == "__main__":
    main()
