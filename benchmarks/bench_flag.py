"""A full flag run's speed, and proof that another checkout judges exactly the same.

    python benchmarks/bench_flag.py --papers 20000 --repos 6000
    python benchmarks/bench_flag.py --against /tmp/before --repeat 3
    python benchmarks/bench_flag.py --papers 100000 --repos 30000 --against /tmp/before --jobs 1
    python benchmarks/bench_flag.py --papers 0 --db demo.db --db scenario.db --against /tmp/before

The database: `--papers` papers linking `--repos` GitHub repositories, ingested from
`bench_scale`'s synthetic listing with its repository facts (every tenth paper promises code;
repositories ok, unknown, not found, never checked), and any SQLite file given with `--db`
(for example one `tracker demo --db` made, or the verdict scenarios' databases). Each is
copied before every run, so every run starts from the same state.

A run is two calls of `tracker.flags.run.flag_papers` with `everything` and `--today` fixed, in
a fresh process with the checkout first on the import path: the first judgement after ingest
(`first_s`: every verdict, finding and rolled-up column is written) and a second full
re-judge of the same facts (`again_s`: what `tracker flag --all` does; nothing changes, so
nothing is written). `--against` runs another checkout (`git worktree add /tmp/before
<commit>`) on copies of the same databases, its runs interleaved with this checkout's so a
change in the machine's load falls on both; after each of its runs every table of its copy is
compared row by row with this checkout's: the same rows and values, except that a column
named `*_at` (a wall-clock stamp) only has to be set or empty alike. A difference stops the
benchmark with the first rows that differ.

Both runs use `--jobs` processes (default: what `tracker flag` uses; a checkout whose
`flag_papers` has no `jobs` judges in one). Figures are the best of `--repeat` runs, in papers
per second, with the CPU seconds of the process that runs `flag_papers` (`*_cpu_s`: with
workers, the saving process alone, the part that cannot be spread over more cores); the last
line printed is one JSON object (`first_per_s`, `again_per_s`, and `before_*` with
`--against`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

Rows = dict[str, list[tuple[Any, ...]]]


def build(path: Path, papers: int, repos: int) -> None:
    """The synthetic database of `bench_scale` (ingest and repository facts, not flagged)."""
    import bench_scale

    listing = path.with_suffix(".txt")
    bench_scale.write_listing(listing, papers, repos)
    bench_scale._ingest(f"sqlite:///{path}", listing, repos, 1)


def worker(path: str, today: str, jobs: int) -> dict[str, Any]:
    """Both flag runs on `path`, timed (run in a fresh process by `timed_run`), with `jobs`
    processes where the checkout's `flag_papers` takes them (else in one)."""
    import inspect

    from tracker.config import Settings
    from tracker.flags.run import flag_papers
    from tracker.store import open_db

    url = f"sqlite:///{path}"
    engine, cfg, day = open_db(url), Settings(db_url=url), dt.date.fromisoformat(today)
    takes_jobs = "jobs" in inspect.signature(flag_papers).parameters
    more = {"jobs": jobs} if takes_jobs else {}
    out: dict[str, Any] = {"jobs": jobs if takes_jobs else 1}
    for name in ("first", "again"):
        start, cpu = time.perf_counter(), time.process_time()
        summary = flag_papers(engine, cfg, today=day, everything=True, **more)
        out[f"{name}_s"] = time.perf_counter() - start
        out[f"{name}_cpu_s"] = time.process_time() - cpu
        out["judged"] = summary.judged
    engine.dispose()
    import tracker

    return out | {"tracker": tracker.__file__}


def timed_run(
    checkout: Path, db: Path, copy: Path, today: str, jobs: int
) -> tuple[dict[str, Any], Path]:
    """One run of `worker` by `checkout` on `copy`, a fresh copy of `db`; returns its figures
    and the copy."""
    copy.unlink(missing_ok=True)
    src, dst = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        src.backup(dst)  # with what is still in the write-ahead log
    finally:
        src.close()
        dst.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout), str(ROOT / "benchmarks")])}
    code = (
        "import json, bench_flag; "
        f"print(json.dumps(bench_flag.worker({str(copy)!r}, {today!r}, {jobs!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=copy.parent,  # `-c` puts the working directory first on the import path
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{checkout}: flag run failed\n{done.stderr}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(got["tracker"]).resolve().is_relative_to(checkout.resolve()):
        raise SystemExit(f"{checkout}: the run imported {got['tracker']}")
    return got, copy


def dump(path: Path) -> Rows:
    """Every table's rows in a stable order; wall-clock columns (`*_at`) as set or empty."""
    con = sqlite3.connect(path)
    try:
        tables = [
            n
            for (n,) in con.execute(
                "select name from sqlite_master where type = 'table'"
                " and sql not like 'create virtual table%' order by name"
            )
        ]
        out: Rows = {}
        for table in tables:
            cols = [r[1] for r in con.execute(f'pragma table_info("{table}")')]
            picked = ", ".join(
                f'"{c}" is not null' if c.endswith("_at") else f'"{c}"' for c in cols
            )
            rows = con.execute(f'select {picked} from "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def differences(ours: Rows, theirs: Rows, limit: int = 3) -> list[str]:
    """The first rows that differ, per table, in readable lines (empty when the same)."""
    lines = []
    for table in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(table), theirs.get(table)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{table}: only in {'the other checkout' if a is None else 'this one'}")
            continue
        in_a, in_b = set(a), set(b)
        only_a = [r for r in a if r not in in_b][:limit]
        only_b = [r for r in b if r not in in_a][:limit]
        lines.append(f"{table}: {len(a)} rows here, {len(b)} there")
        lines += [f"  here:  {r}" for r in only_a] + [f"  there: {r}" for r in only_b]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=20000)
    ap.add_argument("--repos", type=int, default=6000)
    ap.add_argument("--db", type=Path, action="append", default=[], help="another SQLite file")
    ap.add_argument("--against", type=Path, help="another checkout to compare with")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--today", default="2026-12-01")
    ap.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="flag processes (default: what `tracker flag` uses; a checkout without them runs one)",
    )
    args = ap.parse_args()
    if args.jobs is None:
        from tracker.processes import default_jobs

        args.jobs = default_jobs()
    with tempfile.TemporaryDirectory(prefix="bench-flag-") as tmp:
        work = Path(tmp)
        dbs = list(args.db)
        if args.papers:
            synthetic = work / "synthetic.db"
            build(synthetic, args.papers, args.repos)
            dbs.insert(0, synthetic)
        sides = {"": ROOT} | ({"before_": args.against.resolve()} if args.against else {})
        best: dict[str, float] = {}
        jobs: dict[str, int] = {}
        judged = 0
        for _ in range(args.repeat):
            for db in dbs:
                copies = {}
                for prefix, checkout in sides.items():
                    copy = work / f"{prefix or 'this_'}{db.name}"
                    got, copies[prefix] = timed_run(checkout, db, copy, args.today, args.jobs)
                    jobs[prefix] = got["jobs"]
                    judged += got["judged"] * (prefix == "")
                    for k in ("first_s", "again_s", "first_cpu_s", "again_cpu_s"):
                        key = f"{prefix}{k}:{db.name}"
                        best[key] = min(best.get(key, float("inf")), got[k])
                if args.against:
                    diff = differences(dump(copies[""]), dump(copies["before_"]))
                    if diff:
                        raise SystemExit(f"{db.name}: judgements differ\n" + "\n".join(diff))
                    print(f"{db.name}: every table identical", flush=True)
        papers = judged // args.repeat
        figures: dict[str, Any] = {"papers": papers, "databases": len(dbs)}
        for prefix in sides:
            figures[f"{prefix}jobs"] = jobs.get(prefix)
            for k in ("first", "again"):
                took = sum(v for key, v in best.items() if key.startswith(f"{prefix}{k}_s:"))
                cpu = sum(v for key, v in best.items() if key.startswith(f"{prefix}{k}_cpu_s:"))
                figures[f"{prefix}{k}_s"] = round(took, 2)
                figures[f"{prefix}{k}_per_s"] = round(papers / took) if took else None
                figures[f"{prefix}{k}_cpu_s"] = round(cpu, 2)
        if args.against:
            figures["identical"] = True
        for k, v in figures.items():
            print(f"{k:>22}  {v}")
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
