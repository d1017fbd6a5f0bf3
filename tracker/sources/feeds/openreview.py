"""`openreview:VENUE`: the accepted papers of an OpenReview venue (API v2).

`/notes?content.venueid=VENUE` lists exactly the accepted papers (a submission gets the venue id
when it is accepted), paged with `offset` and `limit`, with the total in `count`. Each note's
`content` fields are `{"value": ...}`: title, abstract, authors with their profile ids
(`authorids`), `venue` ("ICLR 2025 Poster"), and, where the venue asks for one, a code link.

The acceptance date, which starts "upon acceptance" deadlines, is the date of the venue's
decision on the paper: `details=directReplies` adds each note's direct replies, and the one
whose invitation ends with `/-/` and the venue's decision name (the venue group's
`content.decision_name`, `Decision` by default) is the decision, dated by its `cdate`. A venue
that posts no public decision (a journal, a workshop that only publishes) leaves the note's
`pdate`, the day the venue published it. The venue is looked up first (`/groups?id=VENUE`): a
venue that does not exist is a bad argument, not an empty list. The cursor is how many notes
are stored. The API documents no conditional requests (no ETag or Last-Modified to send back),
so a rerun relies on the cursor alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from tracker.extract.identity import arxiv_id
from tracker.models import Author, Location, PaperRecord, Provenance, SourceLink
from tracker.sources.feeds.interface import (
    Cursor,
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
"""Notes per request (the API allows 1000): each note comes with its replies, reviews
included, so a smaller page keeps an answer small."""
DECISION = "Decision"
"""The decision invitation's name when the venue group does not give `decision_name`."""
CODE_FIELDS = ("code", "code_link", "code_url", "github", "repository", "software")
"""Content fields some venues add for a code link."""


def _value(content: dict[str, Any], key: str) -> Any:
    field = content.get(key)
    return field.get("value") if isinstance(field, dict) else field


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _day(ms: Any) -> dt.date | None:
    if not isinstance(ms, int | float) or isinstance(ms, bool) or ms <= 0:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date()


def decision_day(note: dict[str, Any], decision_name: str = DECISION) -> dt.date | None:
    """The day of the venue's decision among the note's direct replies, if one is public."""
    details = note.get("details")
    replies = details.get("directReplies") if isinstance(details, dict) else None
    suffix = f"/-/{decision_name}"
    for reply in replies if isinstance(replies, list) else []:
        if not isinstance(reply, dict):
            continue
        invitations = reply.get("invitations")
        if isinstance(invitations, list) and any(
            isinstance(i, str) and i.endswith(suffix) for i in invitations
        ):
            return _day(reply.get("cdate")) or _day(reply.get("tcdate"))
    return None


def note_record(note: Any, where: str, n: int, decision_name: str = DECISION) -> PaperRecord | None:
    """The record of one accepted note, or None when it has no title."""
    if not isinstance(note, dict) or not isinstance(note.get("content"), dict):
        return None
    content = note["content"]
    title = _text(_value(content, "title"))
    if not title:
        return None
    names = _value(content, "authors") or []
    ids = _value(content, "authorids") or []
    authors = tuple(
        Author(_text(a), profile=ids[i] if i < len(ids) and isinstance(ids[i], str) else None)
        for i, a in enumerate(names if isinstance(names, list) else [])
        if _text(a)
    )
    links = tuple(
        SourceLink(url.strip(), Provenance.SOURCE_FIELD, key)
        for key in CODE_FIELDS
        if isinstance(url := _value(content, key), str) and url.strip().startswith("http")
    )
    return PaperRecord(
        title=title,
        abstract=_text(_value(content, "abstract")),
        location=Location(where, n),
        source_kind="openreview",
        arxiv_id=arxiv_id(str(_value(content, "arxiv") or "")) or None,
        published=_day(note.get("odate")) or _day(note.get("cdate")),
        links=links,
        authors=authors,
        venue=_text(_value(content, "venue"))[:255],
        venue_date=decision_day(note, decision_name) or _day(note.get("pdate")),
    )


class OpenReviewVenue(Feed):
    """The accepted papers of one venue, e.g. `ICLR.cc/2025/Conference`."""

    scheme = "openreview"

    def __init__(self, name: str, venue: str, window: Window | None = None) -> None:
        super().__init__(name, window)
        self.venue = venue
        self.decision_name = DECISION
        """The venue's decision invitation name, learned by `probe`."""

    def _base(self, api: FeedApi) -> str:
        return api.settings.openreview_api_url.rstrip("/")

    def probe(self, api: FeedApi) -> Stopped | None:
        result = api.get(self._base(api) + "/groups", {"id": self.venue})
        if result.failure is not None or result.response is None:
            return unreachable(self.name, result)
        if result.status != 200:
            return refused(self.name, result, "venue")
        try:
            groups = result.response.json().get("groups")
        except (ValueError, AttributeError):
            groups = None
        if not groups or not isinstance(groups, list):
            return Stopped(StopKind.NOT_FOUND, f"{self.name}: no such venue")
        content = groups[0].get("content") if isinstance(groups[0], dict) else None
        name = _value(content, "decision_name") if isinstance(content, dict) else None
        if isinstance(name, str) and name.strip():
            self.decision_name = name.strip()
        return None

    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        offset = first = cursor.offset
        while True:
            params: dict[str, str | int] = {
                "content.venueid": self.venue,
                "details": "directReplies",
                "offset": offset,
                "limit": PAGE_SIZE,
            }
            result = api.get(self._base(api) + "/notes", params)
            if result.failure is not None or result.response is None:
                yield unreachable(self.name, result)
                return
            if result.status != 200:
                yield refused(self.name, result, "venue")
                return
            try:
                body = json.loads(result.response.content)
                notes, count = body["notes"], int(body.get("count", 0))
            except (ValueError, KeyError, TypeError, RecursionError):
                yield Stopped(StopKind.BAD_ANSWER, f"{self.name}: the answer is not a notes list")
                return
            items = []
            for n, note in enumerate(notes, offset + 1):
                record = note_record(note, self.name, n, self.decision_name)
                if record is not None and _within(record, window):
                    items.append(Item(record))
            offset += len(notes)
            extent = Extent.listed(first, offset, count, "notes")
            yield Page(tuple(items), Cursor(offset=offset), extent)
            if not notes or offset >= count:
                return


def _within(record: PaperRecord, window: Window) -> bool:
    """Whether the acceptance (else publication) date is in the window, when it has ends."""
    day = record.venue_date or record.published
    if day is None:
        return True
    return (window.since is None or day >= window.since) and (
        window.until is None or day <= window.until
    )
