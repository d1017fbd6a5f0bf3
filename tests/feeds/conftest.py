"""Fixtures for feeds: fast retries, a scaled-down arXiv pace, and a look at what was stored.

Every test talks to the project's emulators on real sockets and stores into real databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, text

from tracker.config import Settings
from tracker.http import HttpPolicy
from tracker.sources.feeds import FeedApi

PACE_S = 0.01
"""arXiv's three seconds, scaled down: the emulator enforces the same rule at this pace."""
FAST = HttpPolicy(
    timeout_s=5, connect_timeout_s=2, max_attempts=2, backoff_base_s=0.001,
    max_wait_s=1.0, secondary_wait_s=0.001, sleep=lambda _s: None,
)  # fmt: skip
TODAY = dt.date(2026, 1, 15)
"""Long after every scenario day, so every day read is final."""


def api(**urls: Any) -> FeedApi:
    settings = Settings(arxiv_pace_s=PACE_S, **urls)
    return FeedApi(settings, FAST)


def stored(engine: Engine) -> dict[str, Any]:
    """Everything a feed writes, without ids and times: papers, links, authors, listings."""
    with engine.connect() as conn:
        q = lambda sql: sorted(_plain(r) for r in conn.execute(text(sql)))  # noqa: E731
        return {
            "papers": q("SELECT key, title, abstract, comment, published, venue, venue_date,"
                        " source_kind FROM paper"),
            "links": q("SELECT p.key, l.url, l.provenance FROM link l JOIN paper p"
                       " ON p.id = l.paper_id"),
            "authors": q("SELECT p.key, a.position, a.name, a.orcid, a.openalex_id, a.profile"
                         " FROM paper_author a JOIN paper p ON p.id = a.paper_id"),
            "listed": q("SELECT f.name, p.key, pf.upvotes FROM paper_feed pf"
                        " JOIN feed f ON f.id = pf.feed_id JOIN paper p ON p.id = pf.paper_id"),
        }  # fmt: skip


def _plain(row: Any) -> tuple[str | None, ...]:
    """A row as text, so SQLite's and PostgreSQL's date types compare alike."""
    return tuple(None if v is None else str(v) for v in row)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
