"""`bench_scale.py` measures planning and flagging as the issue asks: the full flag, the
incremental one after new facts of every hundredth repository (judging exactly the papers that
link one), and the peak memory after ingest."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_scale  # noqa: E402

PAPERS, REPOS = 3000, 500


def _linking_every_hundredth() -> int:
    """Papers linking a repository whose row id is a multiple of 100 (rows are inserted in
    `_repository_rows` order, ids from 1)."""
    rows = bench_scale._repository_rows(REPOS, dt.datetime.now(dt.UTC))
    keys = {r["key"] for n, r in enumerate(rows, start=1) if n % 100 == 0}
    linked = [bench_scale.repo_name(i % REPOS).lower() for i in range(PAPERS)]
    return sum(k in keys for k in linked)


def test_bench_scale_reports_the_flag_and_plan_figures(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_TEST_POSTGRES_URL"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--papers", str(PAPERS),
         "--repos", str(REPOS)],
        capture_output=True, text=True, check=True, cwd=tmp_path, timeout=900,
        env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    got = json.loads(done.stdout.strip().splitlines()[-1])["sqlite"]
    assert got["incremental_flag_papers"] == _linking_every_hundredth() > 0
    # the seconds are printed to 0.01 s, the ratio from the unrounded times
    assert abs(got["incremental_flag_ratio"] * got["flag_all_s"] - got["incremental_flag_s"]) < 0.01
    assert 0 < got["incremental_flag_ratio"] < 1
    assert got["plan_due"] > got["plan_shard_due"] > 0 and got["plan_s"] > 0
    assert got["plan_cpu_s"] > 0 and got["plan_shard_cpu_s"] > 0
    assert got["plan_server_cpu_s"] is got["plan_shard_server_cpu_s"] is None  # SQLite
    # too few papers for worker processes: the run judged them in its own process
    assert got["flag_cpu_s"] > 0 and got["flag_workers_cpu_s"] == 0
    assert got["flag_server_cpu_s"] is None
    peaks = (got["plan_peak_mb"], got["flag_peak_mb"], got["report_peak_mb"])
    assert got["peak_rss_mb"] == max(peaks)


def test_the_cpu_of_descendants_is_counted_while_they_run() -> None:
    """A grandchild's CPU counts (a flag run's workers are a forkserver's children), sampled
    before it ends, and a child that was gone before the sampling began does not."""
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    burn = "import time; t = time.process_time(); [0 for _ in iter(lambda: time.process_time() - t < 0.6, False)]"
    nested = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True)"
    with bench_scale._Descendants(every_s=0.05) as seen:
        subprocess.run([sys.executable, "-c", nested], check=True, timeout=60)
    assert 0.5 <= seen.cpu_s() < 5
