"""`hf:daily` and `hf:trending`: the Hugging Face papers API.

`/api/daily_papers?date=YYYY-MM-DD` lists the papers of one day, paged with `p` (from 0) and
`limit` (at most 100); `sort=trending` without a date lists what is trending now. Each entry
holds the paper (arXiv id, title, summary, authors, `publishedAt`, `upvotes`, `githubRepo` with
`githubRepoAddedBy`, `projectPage`), read by the same code as a saved API answer
(`tracker.sources.hf_api`), so a feed and a file give the same record. The day's first page is
asked conditionally (`If-None-Match`) while the day is not final: an unchanged list costs an
empty answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from tracker.models import PaperRecord
from tracker.sources.feeds.interface import (
    Cursor,
    DailyFeed,
    DayPage,
    Feed,
    FeedApi,
    Item,
    Page,
    StopKind,
    Stopped,
    Window,
    refused,
    unreachable,
)
from tracker.sources.hf_api import record_of

PAGE_SIZE = 100
"""The most the API gives per page."""
TRENDING_PAGES = 5
"""Pages of the trending list read per run: it is a ranking, and its tail changes hourly."""


def _url(api: FeedApi) -> str:
    return api.settings.hf_endpoint.rstrip("/") + "/api/daily_papers"


def _items(
    name: str, body: bytes, where: str, first: int
) -> tuple[tuple[Item, ...], int] | Stopped:
    """The items of one answer and how many entries it held (a malformed entry is skipped, not
    counted as the end of the list), or a stop when it is not the documented JSON array."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return Stopped(StopKind.BAD_ANSWER, f"{name}: the answer is not JSON")
    if not isinstance(data, list):
        return Stopped(StopKind.BAD_ANSWER, f"{name}: the answer is not a list of papers")
    items = []
    for n, entry in enumerate(data, first):
        record = record_of(entry, where, n)
        if isinstance(record, PaperRecord):
            items.append(Item(record, _upvotes(entry)))
    return tuple(items), len(data)


def _upvotes(entry: Any) -> int | None:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    votes = (paper or {}).get("upvotes") if isinstance(paper, dict) else None
    return votes if isinstance(votes, int) else None


class HfDaily(DailyFeed):
    """The papers of each day on the Hugging Face daily list."""

    scheme = "hf"
    settle_days = 1
    first_days = 0

    def day_pages(
        self, api: FeedApi, day: dt.date, offset: int, token: str, etag: str
    ) -> Iterator[DayPage | Stopped]:
        page = offset // PAGE_SIZE
        skip = offset % PAGE_SIZE
        while True:
            params: dict[str, str | int] = {"date": day.isoformat(), "p": page, "limit": PAGE_SIZE}
            headers = {"If-None-Match": etag} if etag and page == 0 else None
            result = api.get(_url(api), params, headers=headers)
            if result.failure is not None or result.response is None:
                yield unreachable(self.name, result)
                return
            status = result.status
            if status == 304:
                yield DayPage((), 0, True, etag)
                return
            if status != 200:
                yield refused(self.name, result)
                return
            where = f"hf:daily/{day}"
            got = _items(self.name, result.response.content, where, page * PAGE_SIZE + 1)
            if isinstance(got, Stopped):
                yield got
                return
            items, count = got
            done = count < PAGE_SIZE
            tag = result.response.headers.get("etag", "") if page == 0 else ""
            page += 1
            yield DayPage(items[skip:], page * PAGE_SIZE if not done else 0, done, tag)
            skip = 0
            if done:
                return


class HfTrending(Feed):
    """What the Hugging Face papers page shows as trending now: a ranking, read whole each run
    (its first `TRENDING_PAGES` pages)."""

    scheme = "hf"

    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        for page in range(TRENDING_PAGES):
            params: dict[str, str | int] = {"sort": "trending", "p": page, "limit": PAGE_SIZE}
            result = api.get(_url(api), params)
            if result.failure is not None or result.response is None:
                yield unreachable(self.name, result)
                return
            if result.status != 200:
                yield refused(self.name, result)
                return
            got = _items(self.name, result.response.content, "hf:trending", page * PAGE_SIZE + 1)
            if isinstance(got, Stopped):
                yield got
                return
            yield Page(got[0], Cursor(through=today))
            if got[1] < PAGE_SIZE:
                return
