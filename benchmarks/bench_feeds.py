"""An arXiv category feed through the real command line: a busy month's backfill and the next day.

Usage: python benchmarks/bench_feeds.py [--per-day 333] [--days 30] [--pace-s 0.01]

The arXiv emulator synthesizes `--per-day` submissions a day to cs.LG and answers 503 to a
request that comes sooner than `--pace-s` after the last (arXiv asks for 3 s; the pace is
scaled down so the run measures our side). Each measurement is a `tracker ingest` subprocess:

* small: a backfill of 3 days (the baseline for memory);
* month: a backfill of `--days` days: wall, papers/s, requests, peak RSS; memory is flat when
  the month's peak is close to the small one's although it stores `days / 3` times the papers;
* next day: the day after the month, read from the stored cursor: its requests;
* no cursor (baseline): the same month and next day read into a fresh database, as a follower
  that keeps no cursor would read them every day: its requests.

`arxiv_pace_s_at_3s` is what the month's requests cost at arXiv's real pace. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tracker.emulators.arxiv import ArxivEmulator

MEASURED = (
    "import resource, sys\n"
    "from tracker.cli import main\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "try:\n    main()\n"
    "finally:\n"
    # VmHWM is this process's own peak: ru_maxrss keeps the forking parent's across exec
    "    hwm = [int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:')]\n"
    "    peak = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    sys.stderr.write(f'\\nmaxrss {peak}\\n')\n"
)
FIRST = dt.date(2025, 4, 1)
ARXIV_PACE_S = 3.0


def ingest(emu: ArxivEmulator, db: Path, pace_s: float, *args: str) -> dict[str, Any]:
    """One `tracker ingest` in its own process: wall, peak RSS, requests and papers read."""
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    env.update(TRACKER_ARXIV_PACE_S=str(pace_s), COLUMNS="200", NO_COLOR="1")
    before = len(emu.requests)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "ingest", *args, "--db", f"sqlite:///{db}",
         "--arxiv-api-url", f"{emu.url}/api/query", "--jobs", "1"],
        capture_output=True, text=True, timeout=3600, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"tracker ingest failed ({done.returncode}):\n{done.stderr}")
    read = re.search(r"([\d,]+) papers read", done.stderr)
    papers = int(read.group(1).replace(",", "")) if read else 0
    asked = emu.requests[before:]
    return {
        "wall_s": round(wall, 2),
        "papers": papers,
        "papers_per_s": round(papers / wall, 1) if wall else 0.0,
        "requests": len(asked),
        "refused_for_pace": sum(r.status == 503 for r in asked),
        "peak_rss_mb": round(int(re.findall(r"maxrss (\d+)", done.stderr)[-1]) / 1024, 1),
    }


def scenario(days: int, per_day: int, pace_s: float) -> dict[str, Any]:
    last = FIRST + dt.timedelta(days=days - 1)
    spec = {"category": "cs.LG", "from": FIRST.isoformat(), "to": last.isoformat(),
            "per_day": per_day}  # fmt: skip
    return {"synthetic": spec, "pace_s": pace_s}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-day", type=int, default=333)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--pace-s", type=float, default=0.01)
    args = ap.parse_args(argv)
    last = FIRST + dt.timedelta(days=args.days - 1)
    after = last + dt.timedelta(days=1)
    month = ("arxiv:cs.LG", "--since", FIRST.isoformat(), "--until", last.isoformat())
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        with ArxivEmulator(scenario(3, args.per_day, args.pace_s)) as ax:
            small = ingest(ax, d / "small.db", args.pace_s, "arxiv:cs.LG", "--since",
                           FIRST.isoformat(), "--until", (FIRST + dt.timedelta(days=2)).isoformat())  # fmt: skip
        with ArxivEmulator(scenario(args.days, args.per_day, args.pace_s)) as ax:
            full = ingest(ax, d / "month.db", args.pace_s, *month)
            ax.synthesize("cs.LG", after, args.per_day)
            nxt = ingest(
                ax, d / "month.db", args.pace_s, "arxiv:cs.LG", "--until", after.isoformat()
            )
            naive = ingest(ax, d / "fresh.db", args.pace_s, "arxiv:cs.LG", "--since",
                           FIRST.isoformat(), "--until", after.isoformat())  # fmt: skip
    figures = {
        "per_day": args.per_day,
        "days": args.days,
        "pace_s": args.pace_s,
        "small_papers": small["papers"],
        "small_peak_rss_mb": small["peak_rss_mb"],
        "month_papers": full["papers"],
        "month_wall_s": full["wall_s"],
        "month_papers_per_s": full["papers_per_s"],
        "month_requests": full["requests"],
        "month_refused_for_pace": full["refused_for_pace"],
        "month_peak_rss_mb": full["peak_rss_mb"],
        "peak_rss_growth_mb": round(full["peak_rss_mb"] - small["peak_rss_mb"], 1),
        "arxiv_pace_s_at_3s": round(full["requests"] * ARXIV_PACE_S),
        "next_day_papers": nxt["papers"],
        "next_day_requests": nxt["requests"],
        "no_cursor_next_day_requests": naive["requests"],
    }
    print(
        f"backfill of {args.days} days: {full['papers']:,} papers in {full['wall_s']} s "
        f"({full['papers_per_s']} papers/s), {full['requests']} requests, peak "
        f"{full['peak_rss_mb']} MB (3 days: {small['papers']:,} papers, peak "
        f"{small['peak_rss_mb']} MB); next day: {nxt['requests']} requests from the cursor, "
        f"{naive['requests']} without one",
        file=sys.stderr,
    )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
