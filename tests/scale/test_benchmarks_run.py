"""The speed benchmarks run end to end at a small size and end with the figures the issues ask
for: a benchmark that no longer runs cannot show anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def figures(script: str, *args: str, cwd: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True, text=True, check=True, env=env, cwd=cwd, timeout=300,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_bench_extract_prints_rates_for_the_tracker_and_the_naive_baseline(tmp_path: Path) -> None:
    got = figures("bench_extract.py", "--abstracts", "2500", "--naive", "500", cwd=tmp_path)
    assert got["abstracts"] == 2500 and got["naive_abstracts"] == 500
    for key in ("extract_per_s", "ingest_per_s", "naive_extract_per_s", "naive_ingest_per_s"):
        assert isinstance(got[key], int) and got[key] > 0, key
    assert 10 < float(got["peak_rss_mb"]) < 2000  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())  # its databases live in a temporary folder


def test_bench_reports_times_every_filter_and_the_csv_export(tmp_path: Path) -> None:
    got = figures("bench_reports.py", "--papers", "3000", cwd=tmp_path)
    assert got["papers"] == 3000
    times = got["filters_s"]
    assert isinstance(times, dict) and len(times) >= 20
    assert got["filtered_report_s"] == max(times.values())
    assert got["slowest_filter"] in times
    assert float(got["summary_s"]) >= 0 and int(got["csv_rows_per_s"]) > 0  # type: ignore[arg-type]
    assert float(got["peak_rss_mb"]) > 0  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_bench_scale_ingests_on_both_backends_and_compares_their_rates(tmp_path: Path) -> None:
    pg = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if not pg:
        pytest.skip("PostgreSQL not configured (TRACKER_TEST_POSTGRES_URL)")
    got = figures(
        "bench_scale.py", "--papers", "3000", "--repos", "500", "--phases", "ingest",
        "--jobs", "2", "--pg-url", pg, cwd=tmp_path,
    )  # fmt: skip
    lite, post = got["sqlite"], got["postgres"]
    assert isinstance(lite, dict) and isinstance(post, dict)
    for figures_of in (lite, post):
        assert figures_of["papers"] == 3000 and figures_of["ingest_jobs"] == 2
        assert "plan_s" not in figures_of and "flag_s" not in figures_of  # only the ingest ran
        parts = figures_of["ingest_extract_s"] + figures_of["ingest_store_s"]
        assert parts == pytest.approx(figures_of["ingest_s"], abs=0.02)
        assert figures_of["ingest_cpu_s"] > 0 and figures_of["ingest_workers_cpu_s"] > 0
    assert lite["ingest_server_cpu_s"] is None  # SQLite's work is the ingesting process's
    server_cpu = post["ingest_server_cpu_s"]
    local = pg.split("@")[-1].startswith(("127.0.0.1", "localhost", "[::1]"))
    assert server_cpu is None if not local else 0 < server_cpu <= post["ingest_s"] + 0.05
    assert (got["sqlite_ingest_per_s"], got["pg_ingest_per_s"]) == (
        lite["ingest_papers_per_s"],
        post["ingest_papers_per_s"],
    )
    ratio = post["ingest_papers_per_s"] / lite["ingest_papers_per_s"]
    assert got["pg_to_sqlite_ingest"] == round(ratio, 2)


def test_bench_scale_keeps_its_databases_and_plans_on_them_again(tmp_path: Path) -> None:
    pg = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if not pg:
        pytest.skip("PostgreSQL not configured (TRACKER_TEST_POSTGRES_URL)")
    kept = tmp_path / "kept"
    first = figures(
        "bench_scale.py", "--papers", "600", "--repos", "200", "--phases", "plan",
        "--pg-url", pg, "--keep", str(kept), cwd=tmp_path,
    )  # fmt: skip
    url = (kept / "postgres-url").read_text().strip()
    try:
        again = figures("bench_scale.py", "--phases", "plan", "--reuse", str(kept), cwd=tmp_path)
    finally:
        admin = create_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()
    assert (again["papers"], again["repos"]) == (600, 200)
    for backend in ("sqlite", "postgres"):
        before, after = first[backend], again[backend]
        assert isinstance(before, dict) and isinstance(after, dict)
        assert before["papers"] == 600 and "papers" not in after  # no second ingest
        assert after["plan_due"] == before["plan_due"] > 0
        assert after["plan_shard_due"] == before["plan_shard_due"] > 0
    assert sorted(p.name for p in kept.iterdir()) == [
        "bench.db", "kept.json", "listing.txt", "postgres-url"
    ]  # fmt: skip


def test_bench_flag_times_both_runs_and_finds_a_checkout_judging_alike(tmp_path: Path) -> None:
    got = figures(
        "bench_flag.py", "--papers", "600", "--repos", "150", "--against", str(ROOT), cwd=tmp_path
    )
    assert got["papers"] == 600 and got["identical"] is True
    for key in ("first_per_s", "again_per_s", "before_first_per_s", "before_again_per_s"):
        assert isinstance(got[key], int) and got[key] > 0, key
    assert not list(tmp_path.iterdir())


def test_bench_flag_names_the_rows_that_differ() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_flag

    same = {"paper": [(1, "available", "")], "finding": []}
    assert bench_flag.differences(same, same) == []
    other = {"paper": [(1, "overdue", "code_promised_missing")], "finding": []}
    assert bench_flag.differences(same, other) == [
        "paper: 1 rows here, 1 there",
        "  here:  (1, 'available', '')",
        "  there: (1, 'overdue', 'code_promised_missing')",
    ]
    assert bench_flag.differences(same, {"paper": same["paper"]}) == ["finding: only in this one"]
