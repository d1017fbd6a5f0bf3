"""`bench_reports.py` times the reports on SQLite and PostgreSQL in one run, on the same data:
both backends' figures in its last line, and the two databases agreeing row for row and answer
for answer (the benchmark fails when they do not)."""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.scale.test_benchmarks_run import figures

ROOT = Path(__file__).resolve().parents[2]
PAPERS = 2000


def _admin() -> str:
    pg = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if not pg:
        pytest.skip("PostgreSQL not configured (TRACKER_TEST_POSTGRES_URL)")
    return pg


def _databases(admin: str) -> set[str]:
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        names = {str(n) for (n,) in conn.execute(text("SELECT datname FROM pg_database"))}
    engine.dispose()
    return names


def _fresh(names: set[str]) -> set[str]:
    """The benchmarks' fresh databases among `names` (`bench_` and ten hex digits, as
    `bench_scale._pg_database` names them): other tests running beside this one create and
    drop databases of their own."""
    return {n for n in names if re.fullmatch(r"bench_[0-9a-f]{10}", n)}


def _drop(admin: str, name: str) -> None:
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _both(got: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    lite, post = got, got["postgres"]
    assert isinstance(post, dict)
    for f in (lite, post):
        assert f["papers"] == PAPERS and f["csv_rows"] == PAPERS
        times = f["filters_s"]
        assert len(times) >= 20 and f["filtered_report_s"] == max(times.values())
        assert f["slowest_filter"] in times and f["summary_s"] >= 0
        assert f["csv_rows_per_s"] > 0 and f["peak_rss_mb"] > 0
    assert set(lite["filters_s"]) == set(post["filters_s"]) == set(lite["matches"])
    return lite, post


def test_bench_reports_times_both_backends_on_the_same_data(tmp_path: Path) -> None:
    admin = _admin()
    before = _fresh(_databases(admin))
    got = figures("bench_reports.py", "--papers", str(PAPERS), "--pg-url", admin, cwd=tmp_path)
    lite, post = _both(got)
    assert lite["tables"] == post["tables"]
    tables = lite["tables"]
    assert tables["paper"] == tables["paper_state"] == PAPERS
    assert tables["repository"] == PAPERS * 3 // 10 and tables["link"] > 0
    assert tables["finding"] > 0 and tables["repo_history"] > 0
    assert lite["summary"] == post["summary"] and lite["summary"]["papers"] == PAPERS
    assert lite["matches"] == post["matches"]
    matched = lite["matches"].values()
    assert any(0 < n < PAPERS for n in matched) and max(matched) == PAPERS
    assert lite["build_s"] > 0 and post["build_s"] > 0
    assert _fresh(_databases(admin)) == before  # the fresh database is dropped
    assert not list(tmp_path.iterdir())


def test_bench_reports_keeps_and_reuses_a_named_postgres_database(tmp_path: Path) -> None:
    admin = _admin()
    name = f"bench_reports_{uuid.uuid4().hex[:8]}"
    kept = tmp_path / "kept.db"
    args = ("--papers", str(PAPERS), "--pg-url", admin, "--pg-db", name, "--db", str(kept))
    try:
        first = figures("bench_reports.py", *args, cwd=tmp_path)
        assert name in _databases(admin)
        again = figures("bench_reports.py", *args, cwd=tmp_path)
    finally:
        _drop(admin, name)
    for got in (first, again):
        lite, post = _both(got)
        assert lite["matches"] == post["matches"] and lite["tables"] == post["tables"]
    assert first["postgres"]["build_s"] > 0 and first["build_s"] > 0  # type: ignore[index]
    assert again["postgres"]["build_s"] == 0 and again["build_s"] == 0  # type: ignore[index]
    assert again["postgres"]["matches"] == first["postgres"]["matches"]  # type: ignore[index]


def test_bench_reports_names_where_the_backends_differ() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_reports

    same = {"tables": {"paper": 3}, "summary": {"papers": 3}, "matches": {"flag": 1}}
    assert bench_reports._differences({"sqlite": same, "postgres": same}) == []
    assert bench_reports._differences({"sqlite": same, "postgres": None}) == []
    other = {"tables": {"paper": 3, "link": 1}, "summary": {"papers": 3}, "matches": {"flag": 2}}
    assert bench_reports._differences({"sqlite": same, "postgres": other}) == [
        "tables link: sqlite None, postgres 1",
        "matches flag: sqlite 1, postgres 2",
    ]
