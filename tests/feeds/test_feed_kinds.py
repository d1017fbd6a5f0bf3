"""The feeds not covered elsewhere, against their emulators: `hf:trending`, `arxiv:search/QUERY`,
the Hugging Face day asked conditionally (ETag), and an OpenReview venue dated by its decisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from tests.feeds.conftest import PACE_S, api, stored
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.openreview import OpenReviewEmulator
from tracker.follow import follow
from tracker.sources.feeds import parse_feed
from tracker.store import open_db
from tracker.store.feeds import load_cursor

PACE = {"TRACKER_ARXIV_PACE_S": str(PACE_S)}


def _paper(n: int, votes: int) -> dict[str, Any]:
    return {"id": f"2504.0{n:04d}", "title": f"Trend {n}", "summary": "S.", "upvotes": votes}


def test_hf_trending_reads_the_ranking_with_its_upvotes(db_url: str, cli: Any) -> None:
    daily = {"2025-04-20": [_paper(1, 5), _paper(2, 40)], "2025-04-21": [_paper(3, 12)]}
    with HuggingFaceEmulator({"daily": daily}) as hf:
        done = cli("ingest", "hf:trending", "--db", db_url, "--hf-endpoint", hf.url)
        asked = [(r.arg("sort"), r.arg("p"), r.arg("date")) for r in hf.requests]
    assert done.returncode == 0, done.stderr
    assert "hf:trending: 3 papers read (3 new), 0 new links, 1 pages" in done.stderr
    assert asked == [("trending", "0", None)]
    assert stored(open_db(db_url))["listed"] == [
        ("hf:trending", "arxiv:2504.00001", "5"),
        ("hf:trending", "arxiv:2504.00002", "40"),
        ("hf:trending", "arxiv:2504.00003", "12"),
    ]


def _hit(n: int, day: str, summary: str) -> dict[str, Any]:
    return {"id": f"2503.{n:05d}", "title": f"Result {n}", "summary": summary,
            "published": f"{day}T10:00:00Z", "authors": ["Ines Varga"]}  # fmt: skip


def test_arxiv_search_reads_the_results_then_only_those_past_them(db_url: str, cli: Any) -> None:
    papers = [
        _hit(3, "2025-03-03", "Diffusion for speech."),
        _hit(1, "2025-03-01", "Fast diffusion samplers."),
        _hit(2, "2025-03-02", "Nothing about that."),
    ]
    with ArxivEmulator({"papers": papers, "pace_s": PACE_S}) as ax:
        url = f"{ax.url}/api/query"
        first = cli("ingest", "arxiv:search/abs:diffusion", "--db", db_url,
                    "--arxiv-api-url", url, env=PACE)  # fmt: skip
        ax.papers.append(_hit(4, "2025-03-04", "Diffusion, again."))
        again = cli("ingest", "arxiv:search/abs:diffusion", "--db", db_url,
                    "--arxiv-api-url", url, env=PACE)  # fmt: skip
        asked = [(r.arg("search_query"), r.arg("start"), r.arg("sortOrder")) for r in ax.requests]
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "2 papers read (2 new)" in first.stderr and "1 papers read (1 new)" in again.stderr
    assert asked == [("abs:diffusion", "0", "ascending"), ("abs:diffusion", "2", "ascending")]
    got = stored(open_db(db_url))
    assert [(p[0], p[4]) for p in got["papers"]] == [
        ("arxiv:2503.00001", "2025-03-01"), ("arxiv:2503.00003", "2025-03-03"),
        ("arxiv:2503.00004", "2025-03-04"),
    ]  # fmt: skip


def test_arxiv_search_within_dates_and_on_every_field(db_url: str, cli: Any) -> None:
    papers = [
        _hit(1, "2025-03-01", "Diffusion."),
        {
            **_hit(2, "2025-03-05", "Other."),
            "comment": "Code for diffusion: https://github.com/v/d",
        },
        _hit(3, "2025-03-09", "Diffusion, later."),
    ]
    with ArxivEmulator({"papers": papers, "pace_s": PACE_S}) as ax:
        done = cli("ingest", "arxiv:search/all:diffusion AND au:varga", "--since", "2025-03-02",
                   "--until", "2025-03-06", "--db", db_url, "--arxiv-api-url",
                   f"{ax.url}/api/query", env=PACE)  # fmt: skip
        [asked] = [r.arg("search_query") for r in ax.requests]
    assert done.returncode == 0, done.stderr
    assert asked == (
        "(all:diffusion AND au:varga) AND submittedDate:[202503020000 TO 202503062359]"
    )
    got = stored(open_db(db_url))
    assert [p[0] for p in got["papers"]] == ["arxiv:2503.00002"]
    assert ("arxiv:2503.00002", "https://github.com/v/d", "comment") in got["links"]


def test_the_unsettled_hf_day_is_asked_with_its_etag(sqlite_url: str) -> None:
    today = dt.date(2025, 4, 21)
    daily = {"2025-04-21": [_paper(1, 5)]}
    engine = open_db(sqlite_url)
    with HuggingFaceEmulator({"daily": daily}) as hf:

        def run() -> tuple[int, str | None, int]:
            before = len(hf.requests)
            with api(hf_endpoint=hf.url) as feed_api:
                result = follow(engine, parse_feed("hf:daily"), feed_api, today=today)
            [req] = hf.requests[before:]
            return result.papers_new, req.headers.get("if-none-match"), req.status

        new, sent, status = run()
        etag = _etag(engine)
        assert (new, sent, status) == (1, None, 200)
        assert etag.startswith("2025-04-21|") and etag.endswith('"')
        assert run() == (0, etag.partition("|")[2], 304)
        hf.daily["2025-04-21"].append(_paper(2, 9))
        assert run() == (1, etag.partition("|")[2], 200)
    assert _etag(engine) != etag


def _etag(engine: Engine) -> str:
    with engine.connect() as conn:
        return load_cursor(conn, "hf:daily").etag


VENUE = "ICML.cc/2025/Conference"


def test_openreview_dates_acceptance_by_the_decision_else_pdate(db_url: str, cli: Any) -> None:
    papers = [
        {"title": "Decided early", "pdate": "2025-06-01", "decision": "2025-05-01",
         "authors": ["Ada Brightwater"], "authorids": ["~Ada_Brightwater1"]},
        {"title": "Published only", "pdate": "2025-06-02"},
    ]  # fmt: skip
    scenario = {"venues": {VENUE: {"papers": papers, "decision_name": "Final_Decision"}}}
    with OpenReviewEmulator(scenario) as orv:
        done = cli("ingest", f"openreview:{VENUE}", "--db", db_url, "--openreview-api-url", orv.url)
        notes = [r for r in orv.requests if r.path == "/notes"]
    assert done.returncode == 0, done.stderr
    assert [r.arg("details") for r in notes] == ["directReplies"]
    got = stored(open_db(db_url))
    assert [(p[1], p[6]) for p in got["papers"]] == [
        ("Decided early", "2025-05-01"), ("Published only", "2025-06-02"),
    ]  # fmt: skip
