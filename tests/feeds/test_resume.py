"""A feed answering 429 and 503 mid-backfill stops, keeps what it stored, and resumes from its
cursor: after enough reruns the database is exactly that of a run that met no fault."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.feeds.conftest import PACE_S, TODAY, api, count, stored
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.follow import follow
from tracker.sources.feeds import Cursor, StopKind, parse_feed
from tracker.store import open_db
from tracker.store.feeds import load_cursor

FAULTS = {"error_rate": 0.35, "error_statuses": [429, 503], "seed": 7, "only_paths": ["/api/"]}


def _arxiv() -> dict[str, Any]:
    spec = {"category": "cs.CL", "from": "2025-04-01", "to": "2025-04-06", "per_day": 450}
    return {"synthetic": spec, "pace_s": PACE_S}


def _hf() -> dict[str, Any]:
    daily = {
        f"2025-04-{d:02d}": [
            {"id": f"2504.{d:02d}{n:03d}", "title": f"Paper {n} of day {d}",
             "summary": f"We study thing {n}.", "authors": [f"Writer {n}", "Second Writer"],
             "upvotes": n, "githubRepo": f"https://github.com/lab/p{d}-{n}" if n % 3 == 0 else None,
             "githubRepoAddedBy": "user" if n % 3 == 0 else None}
            for n in range(230)
        ]
        for d in range(1, 5)
    }  # fmt: skip
    return {"daily": daily, "rate_limit": {"limit": 100000, "window_s": 300}}


def _until_done(db: str, name: str, emu: Any, urls: dict[str, str]) -> int:
    """Rerun until the feed reads to its end; how many runs stopped before it."""
    engine = open_db(db)
    for stops in range(60):
        with api(**urls) as feed_api:
            result = follow(engine, parse_feed(name), feed_api, today=TODAY)
        if result.stopped is None:
            return stops
        assert result.stopped.kind is StopKind.UNREACHABLE
    raise AssertionError("the feed never finished")


@pytest.mark.parametrize(
    ("emulator", "scenario", "name", "url_of"),
    [
        (ArxivEmulator, _arxiv, "arxiv:cs.CL/2025-04-01..2025-04-06",
         lambda u: {"arxiv_api_url": f"{u}/api/query"}),
        (HuggingFaceEmulator, _hf, "hf:daily/2025-04-01..2025-04-04",
         lambda u: {"hf_endpoint": u}),
    ],
    ids=["arxiv", "hf"],
)  # fmt: skip
def test_faults_mid_backfill_resume_with_nothing_lost_or_doubled(
    db_url: str, tmp_path: Any, emulator: Any, scenario: Any, name: str, url_of: Any
) -> None:
    clean_db = f"sqlite:///{tmp_path / 'clean.db'}"
    with emulator(scenario()) as emu:
        assert _until_done(clean_db, name, emu, url_of(emu.url)) == 0
    with emulator(scenario(), faults=FAULTS) as emu:
        stops = _until_done(db_url, name, emu, url_of(emu.url))
        faulted = sum(1 for r in emu.requests if r.fault)
    assert stops >= 1 and faulted >= stops
    clean, resumed = open_db(clean_db), open_db(db_url)
    assert stored(resumed) == stored(clean)
    assert count(resumed, "paper") == count(clean, "paper") > 900


def test_an_interrupted_day_resumes_at_its_offset(tmp_path: Any) -> None:
    """Ctrl-C after the first stored page: the cursor holds the day being read and how many of
    its papers are stored, and the rerun asks for that day from there, not from its start."""
    engine = open_db(f"sqlite:///{tmp_path / 't.db'}")
    feed = parse_feed("arxiv:cs.CL/2025-04-01..2025-04-02")

    def interrupt(_n: int, _extent: object) -> None:
        raise KeyboardInterrupt

    with ArxivEmulator(_arxiv()) as ax:
        urls = {"arxiv_api_url": f"{ax.url}/api/query"}
        with api(**urls) as a, pytest.raises(KeyboardInterrupt):
            follow(engine, feed, a, today=TODAY, progress=interrupt)
        with engine.connect() as conn:
            assert load_cursor(conn, feed.name) == Cursor(day=dt.date(2025, 4, 1), offset=200)
        assert count(engine, "paper") == 200
        before = len(ax.requests)
        with api(**urls) as a:
            result = follow(engine, feed, a, today=TODAY)
        assert result.stopped is None and result.papers_seen == 900 - 200
        asked = [(r.arg("search_query")[-13:-5], r.arg("start")) for r in ax.requests[before:]]
    assert asked == [("20250401", "200"), ("20250401", "400"), ("20250402", "0"),
                     ("20250402", "200"), ("20250402", "400")]  # fmt: skip
    assert count(engine, "paper") == 900
    with engine.connect() as conn:
        done = load_cursor(conn, feed.name)
    assert done == Cursor(started=dt.date(2025, 4, 1), through=dt.date(2025, 4, 2))
