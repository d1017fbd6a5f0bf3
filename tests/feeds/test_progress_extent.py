"""How far a feed read is: each page says it when the service does (arXiv's total results,
OpenReview's `count`, OpenAlex's `meta.count`, the days of a day-by-day feed), counted from
where the read started, so the bar of a resumed read still ends full."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from rich.console import Console

from tests.feeds.conftest import PACE_S, TODAY, api
from tests.feeds.test_cli_feeds import OPENALEX, OPENREVIEW
from tracker.cli.progress import Meter
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.openalex import OpenAlexEmulator
from tracker.emulators.openreview import OpenReviewEmulator
from tracker.follow import follow
from tracker.sources.feeds import Extent, Window, parse_feed
from tracker.store import open_db

ARXIV = {
    "synthetic": {"category": "cs.CL", "from": "2025-04-01", "to": "2025-04-03", "per_day": 450},
    "pace_s": PACE_S,
}


def _read(tmp_path: Path, name: str, window: Window | None = None, **urls: str) -> list[Any]:
    engine = open_db(f"sqlite:///{tmp_path / 't.db'}")
    seen: list[tuple[int, Extent | None]] = []
    with api(**urls) as a:
        result = follow(
            engine, parse_feed(name), a, window=window, today=TODAY,
            progress=lambda n, extent: seen.append((n, extent)),
        )  # fmt: skip
    assert result.stopped is None
    return seen


def _steps(seen: list[Any]) -> list[tuple[int, int, str]]:
    return [(e.done, e.total, e.unit) for _n, e in seen]


def test_a_day_by_day_feed_counts_days(tmp_path: Path) -> None:
    with ArxivEmulator(ARXIV) as ax:
        seen = _read(
            tmp_path, "arxiv:cs.CL/2025-04-01..2025-04-03", arxiv_api_url=f"{ax.url}/api/query"
        )
    steps = _steps(seen)
    # 450 papers a day in pages of 200: a day is done on its third page
    assert steps == [(d, 3, "days") for d in (0, 0, 1, 1, 1, 2, 2, 2, 3)]
    assert steps[-1] == (3, 3, "days")
    assert [d for d, _t, _u in steps] == sorted(d for d, _t, _u in steps)
    assert seen[-1][0] == 3 * 450


def test_a_search_counts_the_results_the_service_announced(tmp_path: Path) -> None:
    window = Window(dt.date(2025, 4, 1), dt.date(2025, 4, 2))
    with ArxivEmulator(ARXIV) as ax:
        seen = _read(
            tmp_path, "arxiv:search/cat:cs.CL", window, arxiv_api_url=f"{ax.url}/api/query"
        )
    steps = _steps(seen)
    assert steps[-1] == (900, 900, "results")
    assert all(total == 900 for _d, total, _u in steps)
    assert [d for d, _t, _u in steps] == sorted(d for d, _t, _u in steps)
    assert len(steps) > 2  # several pages, each saying how far


def test_openreview_and_openalex_count_notes_and_works(tmp_path: Path) -> None:
    with OpenReviewEmulator(OPENREVIEW) as orv:
        seen = _read(tmp_path, "openreview:ICLR.cc/2025/Conference", openreview_api_url=orv.url)
    assert _steps(seen)[-1] == (1, 1, "notes")
    with OpenAlexEmulator(OPENALEX) as oa:
        (tmp_path / "oa").mkdir()
        seen = _read(tmp_path / "oa", "openalex:author/A5000000001", openalex_api_url=oa.url)
    assert _steps(seen)[-1] == (2, 2, "works")


def test_a_meter_counts_what_the_feed_counts() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False, width=80, soft_wrap=True)
    now = [0.0]
    with Meter(console, "arxiv:cs.CL: reading", "papers", every=0, clock=lambda: now[0]) as meter:
        now[0] = 5
        meter(200)
        now[0] = 20
        meter(1, 4, "650 papers", "days")
    assert buf.getvalue().splitlines() == [
        "arxiv:cs.CL: reading: 200 papers, 5 s so far",
        "arxiv:cs.CL: reading: 1/4 days (25%), about 1 min left; 650 papers",
    ]
