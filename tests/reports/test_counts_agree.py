"""Every count a user reads agrees across formats: the summary (`report --format json`), the JSON
and Markdown exports, the HTML page (its summary, verdict chart and kept-promises chart) and
`tracker diff`, each parsed from the real command's output on one database.

The seeded database holds a promise kept while it was watched (checked without code, later with
it), one kept before the first check, code found without a claim (counted as code, not as a kept
promise), overdue promises, a dead link, a rate-limited repository and a placeholder.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from reports_seed import NOW, Seeded, seed
from sqlalchemy import insert, select

from tracker.config import Settings
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import Location, PaperRecord, ReportFilter
from tracker.store import save_papers
from tracker.store.reporting import kept_promises, report_summary
from tracker.store.schema import Link, Paper, RepoHistory, Repository

LATE = "2401.00008"
"""Promised code, checked while missing, delivered 10 days ago: a promise seen kept."""
FOUND = "2401.00009"
"""Claims nothing; a search found its repository with code: code, but no promise."""


def _record(aid: str, title: str, abstract: str, line: int) -> PaperRecord:
    return PaperRecord(
        title=title,
        abstract=abstract,
        location=Location("more.txt", line),
        source_kind="test",
        arxiv_id=aid,
        published=(NOW - dt.timedelta(days=90)).date(),
    )


def _more(s: Seeded) -> None:
    later = {
        "key": "lab/later",
        "full_name": "lab/later",
        "status": "ok",
        "stars": 12,
        "license_spdx": "MIT",
        "source_files": 30,
        "last_checked_at": NOW,
        "first_ok_at": NOW - dt.timedelta(days=10),
    }
    found = {**later, "key": "lab/found", "full_name": "lab/found", "stars": 3}
    found["first_ok_at"] = NOW - dt.timedelta(days=20)
    with s.engine.begin() as conn:
        save_papers(
            conn,
            [
                extract_paper(
                    _record(
                        LATE,
                        "Promise Kept Late",
                        "We study things. Code will be released at https://github.com/lab/later.",
                        1,
                    )
                ),
                extract_paper(_record(FOUND, "Found By Search", "We study things.", 2)),
            ],
        )
        ids = {}
        for row in (later, found):
            ids[row["key"]] = conn.execute(
                insert(Repository).values(**row).returning(Repository.c.id)
            ).scalar_one()
        conn.execute(
            insert(RepoHistory),
            [
                {
                    "repository_id": ids["lab/later"],
                    "observed_at": NOW - dt.timedelta(days=60),
                    "status": "empty",
                    "full_name": "lab/later",
                },
                {
                    "repository_id": ids["lab/later"],
                    "observed_at": NOW - dt.timedelta(days=10),
                    "status": "ok",
                    "stars": 12,
                    "license_spdx": "MIT",
                    "full_name": "lab/later",
                },
            ],
        )
        paper = conn.execute(select(Paper.c.id).where(Paper.c.arxiv_id == FOUND)).scalar_one()
        conn.execute(
            insert(Link).values(
                paper_id=paper,
                url="https://github.com/lab/found",
                raw="https://github.com/lab/found",
                kind="github_repo",
                role="code",
                provenance="github_search",
                repo_key="lab/found",
            )
        )
    flag_papers(s.engine, Settings(db_url=s.url), today=NOW.date())


@pytest.fixture
def world(db_url: str) -> Seeded:
    s = seed(db_url)
    _more(s)
    return s


def _ok(res: Any) -> str:
    assert res.returncode == 0, res.stderr
    return str(res.stdout)


_PROMISES = re.compile(r"promises: (\d+) kept, (\d+) broken, (\d+) pending; (\d+) unknown")
_PAPERS = re.compile(r"^(\d+) papers\b")


def _lines_counts(lines: list[str]) -> dict[str, int]:
    """Papers and promises as the summary lines say them (terminal, Markdown and HTML)."""
    papers = next(int(m[1]) for ln in lines if (m := _PAPERS.match(ln)))
    kept, broken, pending, unknown = next(
        tuple(int(x) for x in m.groups()) for ln in lines if (m := _PROMISES.search(ln))
    )
    return {
        "papers": papers,
        "kept": kept,
        "broken": broken,
        "pending": pending,
        "unknown": unknown,
    }


def _json_counts(summary: dict[str, Any]) -> dict[str, int]:
    return {
        "papers": summary["papers"],
        **{k: summary["promises"][k] for k in ("kept", "broken", "pending")},
        "unknown": summary["unknown"],
    }


def _html(text: str) -> dict[str, Any]:
    lines = [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", text)]
    kept = re.search(r'<figure class="chart kept" data-total="(\d+)">(.*?)</figure>', text)
    assert kept is not None
    bars = re.findall(
        r'<rect class="(undated|month)"(?: data-month="([\d-]+)")? data-value="(\d+)"', kept[2]
    )
    status = re.search(r'<figure class="chart status">(.*?)</figure>', text)
    assert status is not None
    data = re.search(r'<script type="application/json" id="data">(.*?)</script>', text)
    assert data is not None
    return {
        "counts": _lines_counts(lines),
        "kept_total": int(kept[1]),
        "undated": sum(int(v) for c, _, v in bars if c == "undated"),
        "months": {m: int(v) for c, m, v in bars if c == "month"},
        "verdicts": {
            k: int(v) for k, v in re.findall(r'data-label="([^"]*)" data-value="(\d+)"', status[1])
        },
        "rows": len(json.loads(data[1])),
        "total": int(re.search(r'<body data-total="(\d+)"', text)[1]),
    }


def test_summary_html_json_markdown_and_diff_agree(world: Seeded, cli: Any, tmp_path: Path) -> None:
    db = ("--db", world.url)
    report = json.loads(_ok(cli("report", "-f", "json", *db)))["summary"]
    export = json.loads(_ok(cli("export", "-f", "json", *db)))
    markdown = _ok(cli("export", "-f", "markdown", *db))
    page = tmp_path / "report.html"
    _ok(cli("export", "-f", "html", "-o", str(page), *db))
    page_counts = _html(page.read_text(encoding="utf-8"))
    diff = json.loads(_ok(cli("diff", "--since", "2000-01-01", "-f", "json", *db)))["events"]

    # what the seed holds, so that agreeing on a wrong number fails too
    assert _json_counts(report) == {
        "papers": 9,
        "kept": 3,
        "broken": 3,
        "pending": 0,
        "unknown": 1,
    }
    assert report["with_code"] == 4  # the three kept promises and the code nobody promised
    assert export["summary"] == report
    # what the papers themselves claim, checked or not, is counted from the same rows
    claims = sum(p["code_status"] == "released" for p in export["papers"])
    assert report["claimed_code"] == claims > 0
    assert _lines_counts([ln[2:] for ln in markdown.splitlines() if ln.startswith("- ")]) == (
        _json_counts(report)
    )
    assert page_counts["counts"] == _json_counts(report)
    assert page_counts["verdicts"] == {k: v for k, v in report["verdicts"].items() if v}
    assert page_counts["rows"] == page_counts["total"] == report["papers"] == len(export["papers"])

    # the chart's bars are the summary's kept promises: one kept before the first check, two
    # seen kept while watched (each in the month it happened)
    assert page_counts["kept_total"] == report["promises"]["kept"]
    assert page_counts["undated"] + sum(page_counts["months"].values()) == page_counts["kept_total"]
    delivered = [e for e in diff if e["kind"] == "code_delivered"]
    assert sorted(e["paper"] for e in delivered) == ["arxiv:2401.00007", f"arxiv:{LATE}"]
    assert Counter(e["at"][:7] for e in delivered) == Counter(page_counts["months"])
    assert page_counts["undated"] == 1
    # code found without a claim is code, not a kept promise: in `with_code` only
    found = next(p for p in export["papers"] if p["key"] == f"arxiv:{FOUND}")
    assert (found["code_status"], found["verdict_kind"]) == ("none", "available")
    assert f"arxiv:{FOUND}" not in {e["paper"] for e in delivered}

    # a window: `diff` lists exactly the promises kept in it
    recent = json.loads(_ok(cli("diff", "--since", "7d", "-f", "json", *db)))["events"]
    assert [e["paper"] for e in recent if e["kind"] == "code_delivered"] == ["arxiv:2401.00007"]


def test_a_filtered_report_counts_its_own_papers_everywhere(
    world: Seeded, cli: Any, tmp_path: Path
) -> None:
    flt = ("--status", "available", "--min-stars", "10", "--db", world.url)
    report = json.loads(_ok(cli("report", "-f", "json", *flt)))
    page = tmp_path / "some.html"
    _ok(cli("export", "-f", "html", "-o", str(page), *flt, "--limit", "2"))
    counts = _html(page.read_text(encoding="utf-8"))
    assert sorted(p["key"] for p in report["papers"]) == [
        "arxiv:2401.00001",
        "arxiv:2401.00007",
        f"arxiv:{LATE}",
    ]
    assert report["summary"]["promises"]["kept"] == counts["kept_total"] == 3
    assert counts["counts"] == _json_counts(report["summary"])
    # the page holds the first two but counts all three, and says so; its stars chart is of
    # the papers it holds
    assert (counts["rows"], counts["total"]) == (2, 3)
    assert "Stars (most starred repository) of the 2 papers on this page" in page.read_text(
        encoding="utf-8"
    )


FILTERS = [
    ReportFilter(),
    ReportFilter(statuses=("available",)),
    ReportFilter(flags=("moved",)),
    ReportFilter(min_stars=10),
    ReportFilter(query="lab"),
    ReportFilter(query="Promise Kept"),
    ReportFilter(since=(NOW - dt.timedelta(days=120)).date()),
    ReportFilter(statuses=("overdue", "dead")),
]


def test_kept_promises_are_the_summarys_under_every_filter(world: Seeded) -> None:
    with world.engine.connect() as conn:
        got = [(len(kept_promises(conn, f)), report_summary(conn, f).kept) for f in FILTERS]
    assert got == [(3, 3), (3, 3), (1, 1), (3, 3), (2, 2), (1, 1), (1, 1), (0, 0)]


def test_a_flag_runs_counts_are_the_report_summarys(world: Seeded) -> None:
    """What `tracker flag` concludes is counted as every report counts it: a paper per raised,
    unacknowledged flag (a delivered promise is no flag), a paper per verdict kind."""
    again = flag_papers(world.engine, Settings(db_url=world.url), today=NOW.date())
    with world.engine.connect() as conn:
        summary = report_summary(conn)
    assert again.judged == 0
    assert again.papers == summary.papers > 0
    assert again.flagged == summary.flagged != {}
    assert "code_delivered" not in again.flagged
    assert again.verdicts == {k: n for k, n in summary.verdicts.items() if k != "unflagged"}
