"""Quota planning: open promises are checked first, so a short budget goes where it matters."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select, update

from tests.factories import paper
from tracker.models import Availability, DueRepo, StatusClaim
from tracker.schedule import choose
from tracker.store import open_db, save_papers
from tracker.store.schema import Paper, PaperState
from tracker.store.tracking import open_promise_repos

NOW = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def test_open_promises_go_before_unknown_unchecked_and_stale() -> None:
    repos = [
        DueRepo("a/stale", "a/stale", "ok", NOW - dt.timedelta(days=30)),
        DueRepo("a/unknown", "a/unknown", "unknown", NOW - dt.timedelta(days=1)),
        DueRepo("a/new", "a/new"),
        DueRepo("a/promised", "a/promised", "ok", NOW - dt.timedelta(days=2)),
        DueRepo("a/fresh", "a/fresh", "ok", NOW),
    ]
    order = choose(repos, NOW, dt.timedelta(days=1), None, frozenset({"a/promised"}))
    assert [r.key for r in order] == ["a/promised", "a/unknown", "a/new", "a/stale"]
    assert [r.key for r in choose(repos, NOW, dt.timedelta(days=1), 2, frozenset())] == [
        "a/unknown",
        "a/new",
    ]


def test_promised_repositories_until_the_promise_is_kept(db_url: str) -> None:
    promise = StatusClaim(Availability.PROMISED, "Code will be released.")
    papers = [
        replace(paper(1, "lab/Promised"), code=promise),
        replace(paper(2, "lab/weights"), weights=promise),
        paper(3, "lab/released"),
        replace(paper(4, "lab/kept"), code=promise),
    ]
    engine = open_db(db_url)
    with engine.begin() as conn:
        save_papers(conn, papers)
        conn.execute(
            update(PaperState)
            .where(
                PaperState.c.paper_id
                == select(Paper.c.id).where(Paper.c.key == papers[3].key).scalar_subquery()
            )
            .values(verdict_kind="available")
        )
    with engine.connect() as conn:
        assert open_promise_repos(conn) == {"lab/promised", "lab/weights"}
