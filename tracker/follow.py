"""Following feeds: read a feed's pages and store each with the feed's cursor, page by page.

Unlike a file, which is stored all or nothing, a feed is stored one page per transaction, its
cursor with it: a backfill of a busy month holds one page in memory at a time, and a run that
stops (429s that outlast the retries, no network, Ctrl-C) keeps every page it stored, so the
next run resumes at the cursor with nothing lost and nothing stored twice. What a feed names
is probed before anything is stored (`probe`), so a venue or author that does not exist leaves
the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.extract import extract_paper
from tracker.rows import PaperRows, paper_rows
from tracker.sources.feeds import Extent, Feed, FeedApi, Page, Stopped, Window
from tracker.store.feeds import ensure_feed, load_cursor, save_cursor, save_feed_papers
from tracker.store.papers import save_rows
from tracker.store.runs import finish_run, start_run


@dataclass(frozen=True)
class FollowResult:
    """What reading one feed did."""

    feed: str
    papers_seen: int = 0
    papers_new: int = 0
    links_new: int = 0
    pages: int = 0
    """Pages stored (each with its cursor)."""
    stopped: Stopped | None = None
    """Why the feed stopped before its end, if it did; what was stored before stays."""


def probe(feeds: list[Feed], api: FeedApi) -> Stopped | None:
    """The first feed whose venue, author or category does not exist (or whose service cannot
    be reached), asked before anything is stored."""
    for feed in feeds:
        stop = feed.probe(api)
        if stop is not None:
            return stop
    return None


def follow(
    engine: Engine,
    feed: Feed,
    api: FeedApi,
    *,
    window: Window | None = None,
    today: dt.date | None = None,
    command: str = "ingest",
    progress: Callable[[int, Extent | None], None] | None = None,
) -> FollowResult:
    """Read `feed` from its stored cursor within `window` (over the range its name gives) and
    store it page by page; after each page, `progress` is told the papers read so far and how
    far the read is, when the service says (`Extent`)."""
    today = today or dt.datetime.now(dt.UTC).date()
    asked = feed.window.narrowed(window or Window())
    with engine.connect() as conn:
        cursor = load_cursor(conn, feed.name)
    seen = new = links = pages = 0
    stopped: Stopped | None = None
    for page in feed.pages(api, cursor, asked, today):
        if isinstance(page, Stopped):
            stopped = page
            break
        counts = _store(engine, feed.name, page)
        seen, new, links, pages = (
            seen + counts[0], new + counts[1], links + counts[2], pages + 1
        )  # fmt: skip
        if progress is not None:
            progress(seen, page.extent)
    if new or links:
        with engine.begin() as conn:
            run = start_run(conn, command, [feed.name])
            finish_run(conn, run, "done", papers_seen=seen, papers_new=new, links_new=links)
    return FollowResult(feed.name, seen, new, links, pages, stopped)


def _store(engine: Engine, name: str, page: Page) -> tuple[int, int, int]:
    """One page and the cursor after it, in one transaction."""
    rows = [paper_rows(extract_paper(item.record)) for item in page.items]
    votes = {r.paper[0]: item.upvotes for r, item in zip(rows, page.items, strict=True)}
    with engine.begin() as conn:
        feed_id = ensure_feed(conn, name)

        def listed(batch: list[PaperRows], ids: list[int]) -> None:
            pairs = [(pid, votes.get(p.paper[0])) for p, pid in zip(batch, ids, strict=True)]
            save_feed_papers(conn, feed_id, pairs)

        counts = save_rows(conn, rows, saved=listed)
        save_cursor(conn, feed_id, page.cursor)
    return counts.papers_seen, counts.papers_new, counts.links_new
