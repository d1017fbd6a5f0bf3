"""The flag run's rolled-up link columns: exports read them only while they are current, and
say exactly what the paper-link-repository join says, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from reports_seed import Seeded, days_ago, seed
from sqlalchemy import select

from tracker.config import Settings
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import CheckResult, Location, PaperRecord, ReportFilter, RepoStatus
from tracker.reports.csv_export import PAPER_COLUMNS, _safe_row
from tracker.store import save_papers
from tracker.store.reporting import (
    iter_csv_rows,
    iter_report_views,
    joined_csv_rows,
    report_summary,
)
from tracker.store.repos import save_check_results
from tracker.store.rollup import rollup_fresh
from tracker.store.schema import IngestRun

FILTERS = (
    ReportFilter(),
    ReportFilter(sort="stars", descending=True),
    ReportFilter(sort="stars"),
    ReportFilter(min_stars=10, sort="stars", descending=True),
    ReportFilter(query="github.com/OLD"),
    ReportFilter(query="lab", sort="stars", limit=3),
)


def exports(s: Seeded, flt: ReportFilter) -> tuple[list[list[str]], list[list[str]]]:
    """The CSV rows as exported, and as the join computes them."""
    with s.engine.connect() as conn:
        fast = [_safe_row(list(r)) for r in iter_csv_rows(conn, flt)]
        joined = [_safe_row(list(r)) for r in joined_csv_rows(conn, flt)]
    return fast, joined


def by_key(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    return {r[0]: dict(zip(PAPER_COLUMNS, r, strict=True)) for r in rows}


def orders(s: Seeded) -> list[list[str]]:
    with s.engine.connect() as conn:
        return [
            [p.key for p in iter_report_views(conn, flt)] for flt in FILTERS if flt.limit is None
        ]


def fresh(s: Seeded) -> bool:
    with s.engine.connect() as conn:
        return rollup_fresh(conn)


def test_rolled_up_export_is_the_join_and_goes_stale_with_new_facts(db_url: str) -> None:
    s = seed(db_url)
    assert fresh(s)
    for flt in FILTERS:
        fast, joined = exports(s, flt)
        assert fast == joined and fast
    rolled_order = orders(s)
    with s.engine.connect() as conn:
        literal = [
            [p.key for p in iter_report_views(conn, ReportFilter(query=q))]
            for q in ("LAB/gone", "lab_gone", "lab%gone")
        ]
    assert literal == [["arxiv:2401.00003"], [], []]
    with s.engine.begin() as conn:
        save_check_results(
            conn, [CheckResult("lab/delivered", RepoStatus.NOT_FOUND, "404", http_status=404)]
        )
        record = PaperRecord(
            title="Fresh Code",
            abstract="We study things. Code: https://github.com/lab/newcode.",
            location=Location("late.txt", 1),
            source_kind="test",
            arxiv_id="2401.00008",
            published=days_ago(5),
        )
        save_papers(conn, [extract_paper(record)])
    assert not fresh(s)
    fast, joined = exports(s, ReportFilter())
    assert fast == joined
    rows = by_key(fast)
    assert rows["arxiv:2401.00001"]["repo_status"] == "not_found"
    assert (rows["arxiv:2401.00008"]["links"], rows["arxiv:2401.00008"]["repo_status"]) == (
        "https://github.com/lab/newcode",
        "unchecked",
    )
    with s.engine.connect() as conn:
        stale_summary = report_summary(conn, ReportFilter(query="lab/newcode"))
    assert stale_summary.papers == 1
    stale_order = orders(s)
    assert [[k for k in keys if k != "arxiv:2401.00008"] for keys in stale_order] == rolled_order
    flag_papers(s.engine, Settings(db_url=db_url))
    assert fresh(s)
    assert orders(s) == stale_order
    for flt in FILTERS:
        fast, joined = exports(s, flt)
        assert fast == joined
    link_cols = ("links", "repo_status", "stars", "license")
    after = by_key(exports(s, ReportFilter())[0])
    assert {k: [r[c] for c in link_cols] for k, r in after.items()} == {
        k: [r[c] for c in link_cols] for k, r in rows.items()
    }


def test_a_rerun_over_unchanged_facts_records_no_new_mark(db_url: str) -> None:
    s = seed(db_url)

    def marks() -> list[Any]:
        with s.engine.connect() as conn:
            runs = IngestRun
            q = select(runs.c.note).where(runs.c.command == "rollup")
            return list(conn.execute(q).scalars())

    first = marks()
    assert first == ["paper 7, link 5, repository 5, repo_alias 1, check_attempt 0"]
    flag_papers(s.engine, Settings(db_url=db_url))
    assert marks() == first
