"""Feeds in the database: each one's cursor, the watch list, and which feed brought which paper.

A feed's row is created by the first page stored from it (or by `tracker watch add`), and its
cursor is written in the same transaction as the page's papers: what the cursor says is stored
is stored, so an interrupted run resumes exactly there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from tracker.sources.feeds.interface import Cursor
from tracker.store.defaults import utcnow
from tracker.store.schema import Feed as _FEED
from tracker.store.schema import PaperFeed as _PAPER_FEED

_CURSOR_FIELDS = ("started", "through", "day", "offset", "token", "etag")


@dataclass(frozen=True)
class FeedState:
    """One stored feed as `tracker watch list` shows it."""

    name: str
    watched: bool
    through: dt.date | None
    """Last complete day (or newest date seen), None before any."""
    read_at: dt.datetime | None
    papers: int
    """Papers this feed has brought."""


def load_cursor(conn: Connection, name: str) -> Cursor:
    """The stored cursor of `name`, or an empty one for a feed never read."""
    row = conn.execute(select(*(_FEED.c[f] for f in _CURSOR_FIELDS)).where(_FEED.c.name == name))
    found = row.first()
    if found is None:
        return Cursor()
    return Cursor(*found)


def _feed_id(conn: Connection, name: str) -> int | None:
    return conn.execute(select(_FEED.c.id).where(_FEED.c.name == name)).scalar()


def ensure_feed(conn: Connection, name: str) -> int:
    """The id of feed `name`, its row created (not watched, empty cursor) if new."""
    found = _feed_id(conn, name)
    if found is not None:
        return int(found)
    result = conn.execute(insert(_FEED).values(name=name, watched=False, added_at=utcnow()))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def save_cursor(conn: Connection, feed_id: int, cursor: Cursor) -> None:
    values = {f: getattr(cursor, f) for f in _CURSOR_FIELDS}
    conn.execute(update(_FEED).where(_FEED.c.id == feed_id).values(read_at=utcnow(), **values))


def save_feed_papers(
    conn: Connection, feed_id: int, papers: Iterable[tuple[int, int | None]]
) -> None:
    """Record that the feed listed these `(paper id, upvotes)`; upvotes are updated, the
    first time seen is kept."""
    given = dict(papers)
    if not given:
        return
    stored: dict[int, int | None] = dict(
        conn.execute(
            select(_PAPER_FEED.c.paper_id, _PAPER_FEED.c.upvotes).where(
                _PAPER_FEED.c.feed_id == feed_id, _PAPER_FEED.c.paper_id.in_(list(given))
            )
        ).all()
    )
    now = utcnow()
    new = [
        {"feed_id": feed_id, "paper_id": pid, "upvotes": votes, "first_seen_at": now}
        for pid, votes in given.items()
        if pid not in stored
    ]
    if new:
        conn.execute(insert(_PAPER_FEED), new)
    for pid, votes in given.items():
        if pid in stored and votes is not None and stored[pid] != votes:
            conn.execute(
                update(_PAPER_FEED)
                .where(_PAPER_FEED.c.feed_id == feed_id, _PAPER_FEED.c.paper_id == pid)
                .values(upvotes=votes)
            )


def set_watched(conn: Connection, name: str, watched: bool) -> bool:
    """Put `name` on the watch list (or take it off); whether anything changed."""
    feed_id = _feed_id(conn, name) if not watched else ensure_feed(conn, name)
    if feed_id is None:
        return False
    result = conn.execute(
        update(_FEED)
        .where(_FEED.c.id == feed_id, _FEED.c.watched != watched)
        .values(watched=watched)
    )
    return bool(result.rowcount)


def feed_states(conn: Connection, watched_only: bool = False) -> list[FeedState]:
    """Stored feeds by name, with how many papers each brought."""
    counts = (
        select(_PAPER_FEED.c.feed_id, func.count().label("n"))
        .group_by(_PAPER_FEED.c.feed_id)
        .subquery()
    )
    query = (
        select(_FEED.c.name, _FEED.c.watched, _FEED.c.through, _FEED.c.read_at, counts.c.n)
        .outerjoin(counts, counts.c.feed_id == _FEED.c.id)
        .order_by(_FEED.c.name)
    )
    if watched_only:
        query = query.where(_FEED.c.watched.is_(True))
    return [
        FeedState(name, bool(watched), through, read_at, int(n or 0))
        for name, watched, through, read_at, n in conn.execute(query)
    ]


def watched_feeds(conn: Connection) -> list[str]:
    return [s.name for s in feed_states(conn, watched_only=True)]
