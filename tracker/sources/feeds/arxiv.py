"""`arxiv:CATEGORY` and `arxiv:search/QUERY`: the arXiv API, at the pace arXiv asks for.

A category is read one day at a time (`cat:cs.LG AND submittedDate:[DAY0000 TO DAY2359]`,
oldest first), paged with `start` and `max_results`, one request every `arxiv_pace_s` seconds
(three by default). A day's submissions are announced a day or two later, so a day counts as
complete only once it is `settle_days` old. A search is one query, sorted oldest first and paged
the same way: its cursor is how many results are stored, so a rerun asks only for results past
them. Answers are read by the same code as a saved Atom file (`tracker.sources.arxiv_atom`).
The API's manual documents no conditional requests (no ETag or Last-Modified for a query), so
none is sent: a day already complete is never asked again, and the cursor keeps a rerun small.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace

from tracker.errors import InputError
from tracker.models import Location, PaperRecord
from tracker.sources.arxiv_atom import read_answer
from tracker.sources.feeds.interface import (
    Cursor,
    DailyFeed,
    DayPage,
    Extent,
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

PAGE_SIZE = 200
"""Entries per request: small enough that an answer is quick to read and memory stays flat."""

ARCHIVES = frozenset({
    "astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "q-bio", "q-fin",
    "quant-ph", "stat",
})  # fmt: skip
"""arXiv's archives: a category is one of these, or one of them, a dot and a subject."""
SUBJECTS = {
    "cs": frozenset(
        [
            "AI",
            "AR",
            "CC",
            "CE",
            "CG",
            "CL",
            "CR",
            "CV",
            "CY",
            "DB",
            "DC",
            "DL",
            "DM",
            "DS",
            "ET",
            "FL",
            "GL",
            "GR",
            "GT",
            "HC",
            "IR",
            "IT",
            "LG",
            "LO",
            "MA",
            "MM",
            "MS",
            "NA",
            "NE",
            "NI",
            "OH",
            "OS",
            "PF",
            "PL",
            "RO",
            "SC",
            "SD",
            "SE",
            "SI",
            "SY",
        ]
    ),
    "stat": frozenset(["AP", "CO", "ME", "ML", "OT", "TH"]),
    "eess": frozenset(["AS", "IV", "SP", "SY"]),
    "econ": frozenset(["EM", "GN", "TH"]),
}
"""Subjects of the archives this tool's users follow most, so a typo there is caught before
any request; other archives' subjects are checked for shape only."""
_CATEGORY = re.compile(r"^([a-z][a-z-]*)(?:\.([A-Za-z][A-Za-z-]*))?$")


def check_category(feed: str, category: str) -> str:
    """`category` if arXiv has it, else an `InputError` naming the feed."""
    m = _CATEGORY.match(category)
    if not m or m.group(1) not in ARCHIVES:
        raise InputError(feed, f"unknown arXiv category {category!r} (e.g. cs.LG, stat.ML)")
    archive, subject = m.groups()
    if subject and archive in SUBJECTS and subject not in SUBJECTS[archive]:
        known = ", ".join(f"{archive}.{s}" for s in sorted(SUBJECTS[archive]))
        raise InputError(feed, f"unknown arXiv category {category!r}; {archive} has {known}")
    return category


def _stamp(day: dt.date, end: bool) -> str:
    return day.strftime("%Y%m%d") + ("2359" if end else "0000")


def _dates(first: dt.date, last: dt.date) -> str:
    return f"submittedDate:[{_stamp(first, False)} TO {_stamp(last, True)}]"


def _query(
    feed: str, api: FeedApi, search: str, start: int
) -> tuple[list[PaperRecord], int, int] | Stopped:
    """One page of `search` from `start`: its records, the total and the entries it held."""
    params: dict[str, str | int] = {
        "search_query": search,
        "start": start,
        "max_results": PAGE_SIZE,
        "sortBy": "submittedDate",
        "sortOrder": "ascending",
    }
    url = api.settings.arxiv_api_url
    result = api.get(url, params, pace_s=api.settings.arxiv_pace_s)
    if result.failure is not None or result.response is None:
        return unreachable(feed, result)
    if result.status != 200:
        return refused(feed, result, "category" if search.startswith("cat:") else "query")
    try:
        records, total, held = read_answer(result.response.content, feed)
    except InputError as exc:
        return Stopped(StopKind.BAD_ANSWER, f"{feed}: the answer is not Atom ({exc.detail})")
    return records, (total if total is not None else start + held), held


def _items(records: list[PaperRecord], where: str, first: int) -> tuple[Item, ...]:
    """Records located at the feed and their rank in the results (the answer's own lines mean
    nothing once the answer is gone)."""
    return tuple(Item(_located(r, where, n)) for n, r in enumerate(records, first))


def _located(record: PaperRecord, where: str, n: int) -> PaperRecord:
    return replace(record, location=Location(where, n), source_kind="arxiv_api")


class ArxivCategory(DailyFeed):
    """New submissions to one arXiv category, day by day."""

    scheme = "arxiv"
    settle_days = 3
    first_days = 3

    def __init__(self, name: str, category: str, window: Window | None = None) -> None:
        super().__init__(name, window)
        self.category = category

    def day_pages(
        self, api: FeedApi, day: dt.date, offset: int, token: str, etag: str
    ) -> Iterator[DayPage | Stopped]:
        search = f"cat:{self.category} AND {_dates(day, day)}"
        start = offset
        while True:
            got = _query(self.name, api, search, start)
            if isinstance(got, Stopped):
                yield got
                return
            records, total, held = got
            start += held
            done = held == 0 or start >= total
            where = f"{self.name}/{day.isoformat()}"
            yield DayPage(_items(records, where, start - held + 1), start, done)
            if done:
                return


class ArxivSearch(Feed):
    """Every result of one arXiv query, oldest first; a rerun reads only results past those
    stored (new submissions sort last). The cursor's `token` is the query the offset counts
    results of, so a different `--since`/`--until` starts again from the first result."""

    scheme = "arxiv"

    def __init__(self, name: str, query: str, window: Window | None = None) -> None:
        super().__init__(name, window)
        self.query = query

    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        search = f"({self.query})" if " " in self.query else self.query
        if window.since or window.until:
            first = window.since or dt.date(1991, 8, 1)
            search = f"{search} AND {_dates(first, min(window.until or today, today))}"
        start = began = cursor.offset if cursor.token == search else 0
        while True:
            got = _query(self.name, api, search, start)
            if isinstance(got, Stopped):
                yield got
                return
            records, total, held = got
            start += held
            yield Page(
                _items(records, self.name, start - held + 1),
                Cursor(offset=start, token=search),
                Extent.listed(began, start, total, "results"),
            )
            if held == 0 or start >= total:
                return
