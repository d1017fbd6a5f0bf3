"""What every feed provides: a canonical name, an existence probe, and pages with cursors.

A feed is a live source named on the command line (`hf:daily`, `arxiv:cs.LG/2025-04-01..
2025-04-30`, `openreview:ICLR.cc/2025/Conference`...). It reads pages through `FeedApi` (the one
HTTP policy of `tracker.http`, paced per service) and yields each page with the `Cursor` that
holds once the page is stored, so the caller can store both in one transaction: an interrupted
run resumes at the last stored page, and a rerun asks only for what is new. Feeds never touch
the database; failures are `Stopped` values, never exceptions.

Dated feeds (`DailyFeed`) read one day at a time. The cursor's complete days are one interval,
`started`..`through`; a window asked for is read where it is not covered yet: the days before
the interval newest first, the days after it oldest first, so each finished day extends the
interval and no gap is ever claimed covered (a window apart from the interval is read but
leaves it as it is). A day is final only once it is `settle_days` old
(arXiv announces a day's submissions later; the Hugging Face list of the day grows all day): a
day younger than that is read but not counted, and read again by the next run.
"""

from __future__ import annotations

import datetime as dt
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType

import httpx

from tracker.config import Settings
from tracker.http import Failure, HttpPolicy, HttpResult, PolicyClient, make_client, request
from tracker.models import PaperRecord


@dataclass(frozen=True)
class Window:
    """The days a run is asked to read, both ends included; None leaves an end to the feed
    (`since`: after what is stored, or the feed's first day; `until`: today)."""

    since: dt.date | None = None
    until: dt.date | None = None

    def narrowed(self, other: Window) -> Window:
        """This window with `other`'s ends where it gives them (`--since`/`--until` over a
        range written in the feed name)."""
        return Window(other.since or self.since, other.until or self.until)


@dataclass(frozen=True)
class Cursor:
    """Where a feed stands in the database (table `feed`)."""

    started: dt.date | None = None
    """First complete day of the covered interval (dated feeds)."""
    through: dt.date | None = None
    """Last complete day (dated feeds), or the newest date a listing has shown (OpenAlex)."""
    day: dt.date | None = None
    """The day being read when the run stopped (dated feeds)."""
    offset: int = 0
    """Items of `day` (or of the whole listing, for undated feeds) already stored."""
    token: str = ""
    """The next page's token (OpenAlex), or what the offset of a listing belongs to."""
    etag: str = ""
    """`DAY|validator` of the last unsettled day's first page, for a conditional request."""


@dataclass(frozen=True)
class Item:
    """One paper as a feed listed it."""

    record: PaperRecord
    upvotes: int | None = None
    """Hugging Face upvotes when the listing was read (None for other feeds)."""


@dataclass(frozen=True, slots=True)
class Extent:
    """How far a read is through what it will go through, when that is known: the entries of
    a listing whose size the service gives (arXiv `totalResults`, OpenReview `count`, OpenAlex
    `meta.count`), or the days of a day-by-day feed. Counted from where this read started."""

    done: int
    total: int
    unit: str
    """What is counted: `results`, `notes`, `works`, `days`."""

    @classmethod
    def listed(cls, first: int, offset: int, size: int, unit: str) -> Extent:
        """A listing of `size` entries (as the service announced it) read from offset `first`
        up to `offset`; a listing that grew past its announced size counts as that big."""
        return cls(offset - first, max(size, offset) - first, unit)


@dataclass(frozen=True)
class Page:
    """Papers of one answer, and the cursor that holds once they are stored."""

    items: tuple[Item, ...]
    cursor: Cursor
    extent: Extent | None = None
    """How far the read is once this page is stored; None when the service does not say."""


class StopKind(StrEnum):
    """Why a feed stopped before its end."""

    NOT_FOUND = "not_found"
    """The venue, author, institution or category does not exist: a bad argument."""
    UNREACHABLE = "unreachable"
    """No usable answer (no network, timeouts, 429/5xx through every retry): rerun later."""
    REFUSED = "refused"
    """The service refused the request as asked (HTTP 400 for a malformed query): a bad
    argument."""
    BAD_ANSWER = "bad_answer"
    """The service answered something that is not the documented shape."""

    @property
    def bad_argument(self) -> bool:
        """Whether the command line is at fault (exit 3) rather than the service (exit 6)."""
        return self in (StopKind.NOT_FOUND, StopKind.REFUSED)


@dataclass(frozen=True)
class Stopped:
    """A feed that could not go on, with a one-line reason naming the feed."""

    kind: StopKind
    reason: str


class FeedApi:
    """The HTTP side of a feed run: one policy client (`tracker.http`), the settings that say
    where each service is, and a pace per service (arXiv asks for three seconds between
    requests). A context manager; `sleep` and `clock` are injectable for tests."""

    def __init__(
        self,
        settings: Settings,
        policy: HttpPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.policy = policy or HttpPolicy(
            timeout_s=settings.timeout_s, max_attempts=settings.max_retries,
            secrets=settings.secrets(),
        )  # fmt: skip
        self.client: PolicyClient = make_client(self.policy)
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self.requests = 0

    def __enter__(self) -> FeedApi:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.client.close()

    def get(
        self,
        url: str,
        params: Mapping[str, str | int],
        *,
        pace_s: float = 0.0,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """GET under the HTTP policy, first waiting out the service's pace (keyed by host)."""
        host = httpx.URL(url).host
        if pace_s > 0 and host in self._last:
            wait = self._last[host] + pace_s - self._clock()
            if wait > 0:
                self._sleep(wait)
        self.requests += 1
        req = self.client.build_request("GET", url, params=dict(params), headers=headers)
        try:
            return request(self.client, req)
        finally:
            self._last[host] = self._clock()


def unreachable(feed: str, result: HttpResult) -> Stopped:
    """The stop for an answer that never came (or a retryable status that persisted)."""
    why = result.reason or f"HTTP {result.status}"
    if result.failure is Failure.RATE_LIMITED:
        why = f"rate limited ({why})"
    return Stopped(StopKind.UNREACHABLE, f"{feed}: the service could not be read: {why}")


def refused(feed: str, result: HttpResult, what: str = "") -> Stopped:
    """The stop for a definite answer that is not a page: 404 is `what` not existing, another
    4xx a request the service refuses, anything else an answer we cannot read."""
    status = result.status or 0
    if status == 404:
        return Stopped(StopKind.NOT_FOUND, f"{feed}: no such {what or 'feed'} (HTTP 404)")
    if 400 <= status < 500:
        return Stopped(StopKind.REFUSED, f"{feed}: the service refused the request (HTTP {status})")
    return Stopped(StopKind.BAD_ANSWER, f"{feed}: the service answered HTTP {status}")


class Feed(ABC):
    """One live source. `name` is canonical and without a date range: the cursor's key."""

    scheme: str = ""
    """The part before the colon: `hf`, `arxiv`, `openreview`, `openalex`, `orcid`."""

    def __init__(self, name: str, window: Window | None = None) -> None:
        self.name = name
        self.window = window or Window()
        """The range the feed name itself gave (`hf:daily/2025-04-01..2025-04-30`)."""

    def probe(self, api: FeedApi) -> Stopped | None:
        """Whether what the feed names exists, asked before anything is stored (a venue or an
        author that does not exist is a bad argument, not an empty feed). Default: it does."""
        return None

    @abstractmethod
    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        """Pages from where `cursor` stands, within `window`; a `Stopped` ends the stream."""


@dataclass(frozen=True)
class DayPage:
    """One answer for one day: its papers, and how to go on."""

    items: tuple[Item, ...]
    next_offset: int
    done: bool
    """No more pages for this day."""
    etag: str = ""
    """The validator of the day's first page, when the service gave one."""
    token: str = ""


@dataclass
class _Plan:
    """The days to read and the interval they extend."""

    days: list[dt.date] = field(default_factory=list)
    started: dt.date | None = None
    through: dt.date | None = None


class DailyFeed(Feed):
    """A feed read one day at a time (Hugging Face daily papers, an arXiv category)."""

    settle_days: int = 1
    """Days before a day's list is final; younger days are read but not counted complete."""
    first_days: int = 0
    """Days before today a feed with no cursor and no `--since` starts from (0: today)."""

    @abstractmethod
    def day_pages(
        self, api: FeedApi, day: dt.date, offset: int, token: str, etag: str
    ) -> Iterator[DayPage | Stopped]:
        """The pages of `day` from `offset` (and `token`); `etag` is the validator stored for
        the day's first page, for a conditional request (an unchanged day answers no items)."""

    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        plan = plan_days(cursor, window, today, self.first_days)
        started, through = plan.started, plan.through
        stale = today - dt.timedelta(days=self.settle_days)
        for n, day in enumerate(plan.days):
            offset, token = (cursor.offset, cursor.token) if day == cursor.day else (0, "")
            etag = _etag_for(cursor.etag, day) if offset == 0 else ""
            kept_etag = cursor.etag
            for got in self.day_pages(api, day, offset, token, etag):
                if isinstance(got, Stopped):
                    yield got
                    return
                if got.etag and offset == 0 and day > stale:
                    kept_etag = f"{day.isoformat()}|{got.etag}"
                offset = got.next_offset
                if not got.done:
                    at = Cursor(started, through, day, offset, got.token, kept_etag)
                    yield Page(got.items, at, Extent(n, len(plan.days), "days"))
                    continue
                if day <= stale:
                    started, through = _extend(started, through, day)
                at = Cursor(started, through, None, 0, "", kept_etag)
                yield Page(got.items, at, Extent(n + 1, len(plan.days), "days"))
                break


def _etag_for(stored: str, day: dt.date) -> str:
    stamp, sep, value = stored.partition("|")
    return value if sep and stamp == day.isoformat() else ""


def _extend(
    started: dt.date | None, through: dt.date | None, day: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The interval with `day` added when it touches it (a day apart from it is not: the
    interval must hold no gap)."""
    one = dt.timedelta(days=1)
    if started is None or through is None:
        return day, day
    if started - one <= day <= through + one:
        return min(started, day), max(through, day)
    return started, through


def plan_days(cursor: Cursor, window: Window, today: dt.date, first_days: int) -> _Plan:
    """The days of `window` the cursor does not cover, in the order that keeps the covered
    days one interval (see the module docstring)."""
    one = dt.timedelta(days=1)
    s, t = cursor.started, cursor.through
    start = window.since or (t + one if t else today - first_days * one)
    end = min(window.until or today, today)
    if start > end:
        return _Plan([], s, t)
    if s is None or t is None or end < s - one or start > t + one:
        return _Plan(_span(start, end), s, t)  # apart from the interval: read, not counted
    before = list(reversed(_span(start, s - one))) if start < s else []
    after = _span(max(start, t + one), end)
    return _Plan(before + after, s, t)


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
