"""Flag runs, summaries, filters and diffs on a real SQLite database."""

from __future__ import annotations

import datetime as dt

from reports_seed import NOW, Seeded
from sqlalchemy import select

from tracker.config import Settings
from tracker.flags.run import flag_papers
from tracker.models import ReportFilter, ReportSummary
from tracker.reports.csv_export import _paper_row, _safe_row
from tracker.store.reporting import (
    diff_events,
    iter_csv_rows,
    iter_link_rows,
    iter_report_views,
    report_summary,
)
from tracker.store.schema import Finding, PaperState


def keys(s: Seeded, flt: ReportFilter) -> list[str]:
    with s.engine.connect() as conn:
        return [p.key.removeprefix("arxiv:") for p in iter_report_views(conn, flt)]


def test_verdicts_and_flags_per_paper(seeded: Seeded) -> None:
    with seeded.engine.connect() as conn:
        got = {p.key: (p.verdict, p.flags) for p in iter_report_views(conn)}
    assert got == {
        "arxiv:2401.00001": ("code available", ()),
        "arxiv:2401.00002": ("promised — overdue by 210 days", ("code_promised_missing",)),
        "arxiv:2401.00003": ("dead link", ("code_link_dead", "code_promised_missing")),
        "arxiv:2401.00004": ("unknown", ("unknown",)),
        "arxiv:2401.00005": ("placeholder", ("code_placeholder", "code_promised_missing")),
        "arxiv:2401.00006": ("no code claimed", ()),
        "arxiv:2401.00007": ("code available", ("archived", "license_mismatch", "moved")),
    }


def test_reflagging_unchanged_facts_writes_nothing(seeded: Seeded) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        with seeded.engine.connect() as conn:
            f = conn.execute(select(Finding).order_by(Finding.c.id)).all()
            p = conn.execute(
                select(PaperState.c.paper_id, PaperState.c.verdict, PaperState.c.flagged_at)
            ).all()
        return [tuple(r) for r in [*f, *p]]

    before = snapshot()
    summary = flag_papers(seeded.engine, Settings(db_url=seeded.url))
    assert snapshot() == before
    assert summary.papers == 7
    assert summary.verdicts == {
        "available": 2,
        "overdue": 1,
        "dead": 1,
        "unknown": 1,
        "placeholder": 1,
        "none": 1,
    }


def test_summary_counts_promises_and_median(seeded: Seeded) -> None:
    with seeded.engine.connect() as conn:
        s = report_summary(conn)
    assert s == ReportSummary(
        papers=7,
        with_code=2,
        kept=2,
        broken=3,
        pending=0,
        unknown=1,
        median_days_to_release=128.5,
        verdicts={
            "available": 2,
            "dead": 1,
            "none": 1,
            "overdue": 1,
            "placeholder": 1,
            "unknown": 1,
        },
        licenses={"MIT": 2, "Apache-2.0": 1},
        flagged={
            "code_promised_missing": 3,
            "archived": 1,
            "code_link_dead": 1,
            "code_placeholder": 1,
            "license_mismatch": 1,
            "moved": 1,
            "unknown": 1,
        },
        claimed=5,  # "Code: URL", "Code is at URL"...: all but the promise and "No Code Here"
    )
    assert round(s.share_with_code, 3) == 0.286


def test_filters_and_sorting(seeded: Seeded) -> None:
    assert keys(seeded, ReportFilter(flags=("code_promised_missing",))) == [
        "2401.00002",
        "2401.00003",
        "2401.00005",
    ]
    assert keys(seeded, ReportFilter(statuses=("promised",))) == ["2401.00002"]
    assert keys(seeded, ReportFilter(statuses=("dead", "unknown"))) == ["2401.00003", "2401.00004"]
    recent = (NOW - dt.timedelta(days=120)).date()
    assert keys(seeded, ReportFilter(since=recent)) == ["2401.00003", "2401.00004", "2401.00006"]
    assert keys(seeded, ReportFilter(min_stars=10, sort="stars", descending=True)) == [
        "2401.00001",
        "2401.00007",
    ]
    assert keys(seeded, ReportFilter(query="github.com/lab/BUSY")) == ["2401.00004"]
    assert keys(seeded, ReportFilter(query="moved")) == ["2401.00007"]
    assert keys(seeded, ReportFilter(sort="title", limit=2)) == ["2401.00005", "2401.00003"]


def test_summary_follows_the_filter(seeded: Seeded) -> None:
    with seeded.engine.connect() as conn:
        s = report_summary(conn, ReportFilter(min_stars=10))
    assert (s.papers, s.with_code, s.broken, s.median_days_to_release) == (2, 2, 0, 128.5)
    assert s.licenses == {"Apache-2.0": 1, "MIT": 1}


def test_diff_reports_each_change_with_its_paper(seeded: Seeded) -> None:
    with seeded.engine.connect() as conn:
        events = diff_events(conn, NOW - dt.timedelta(days=7), star_jump=100)
    got = [(e.kind, e.paper_key, e.subject, e.before, e.after) for e in events]
    assert sorted(got) == sorted(
        [
            ("archived", "arxiv:2401.00007", "New/Name", "", "archived"),
            ("code_delivered", "arxiv:2401.00007", "New/Name", "", "code"),
            ("moved", "arxiv:2401.00007", "New/Name", "old/name", "New/Name"),
            ("license_added", "arxiv:2401.00001", "lab/delivered", "", "MIT"),
            ("stars_jump", "arxiv:2401.00001", "lab/delivered", "100", "500"),
            ("died", "arxiv:2401.00003", "lab/gone", "ok", "not_found"),
        ]
    )
    assert [e.at for e in events] == sorted(e.at for e in events)
    with seeded.engine.connect() as conn:
        assert diff_events(conn, NOW - dt.timedelta(hours=12)) == []
        big = diff_events(conn, NOW - dt.timedelta(days=7), star_jump=1000)
    assert "stars_jump" not in {e.kind for e in big}


def test_fast_csv_rows_match_the_paper_views(seeded: Seeded) -> None:
    flt = ReportFilter(sort="stars", descending=True)
    with seeded.engine.connect() as conn:
        fast = [list(r) for r in iter_csv_rows(conn, flt)]
        views = list(iter_report_views(conn, flt))
        links = [tuple(r) for r in iter_link_rows(conn, ReportFilter(query="github.com/old"))]
    assert [_safe_row(r) for r in fast] == [_paper_row(v) for v in views]
    assert links == [
        (
            "arxiv:2401.00007",
            "2401.00007",
            "Moved Repos",
            views[1].published,
            "code available",
            "https://github.com/old/name",
            "github_repo",
            "code",
            "abstract",
            "seed.txt:7",
            "ok",
            40,
            "Apache-2.0",
            "2401.00007",
        )
    ]
