"""`openalex:author/ID`, `orcid:ID` and `openalex:institution/ID`: a person's or a lab's works.

`/works?filter=author.id:A…` (or `author.orcid:…`, `institutions.id:I…`) lists works, here
sorted by publication date, paged with `cursor` (`*` first, then the answer's
`meta.next_cursor`) and `per-page`, with the polite pool's `mailto` from the settings
(`TRACKER_MAILTO`). OpenAlex gives no abstract text, only `abstract_inverted_index` (word ->
positions), which is put back in order here. The arXiv id comes from an arXiv location or the
arXiv DOI. The author or institution is looked up first, so one that does not exist is a bad
argument. The cursor keeps the next page's cursor while a listing is being read, and once it is
read the newest publication date seen: a rerun asks for works from that day on. OpenAlex
documents no conditional requests (no ETag or Last-Modified on `/works`), so none is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from tracker.errors import InputError
from tracker.extract.identity import arxiv_id, doi
from tracker.models import Author, Location, PaperRecord
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
"""The most OpenAlex gives per page."""
KINDS = {
    "author": (re.compile(r"^A\d+$"), "author.id", "authors"),
    "orcid": (re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"), "author.orcid", "authors"),
    "institution": (re.compile(r"^I\d+$"), "institutions.id", "institutions"),
}
"""What a feed may follow: the id's shape, the works filter, and where the id is looked up."""


def check_id(feed: str, kind: str, ident: str) -> str:
    """`ident` when it has the shape of a `kind` id, else an `InputError` naming the feed."""
    shape = KINDS[kind][0]
    ident = ident.removeprefix("https://openalex.org/").removeprefix("https://orcid.org/")
    if kind != "orcid":
        ident = ident.upper()
    if not shape.match(ident):
        example = {"author": "A5023888391", "orcid": "0000-0002-1825-0097",
                   "institution": "I136199984"}[kind]  # fmt: skip
        what = "an ORCID iD" if kind == "orcid" else f"an OpenAlex {kind} id"
        raise InputError(feed, f"{ident!r} is not {what} (e.g. {example})")
    return ident


def abstract(index: Any) -> str:
    """The text of an inverted index: each word put back at each of its positions."""
    if not isinstance(index, dict):
        return ""
    at: dict[int, str] = {}
    for word, places in index.items():
        if isinstance(places, list):
            for p in places:
                if isinstance(p, int):
                    at[p] = str(word)
    return " ".join(at[p] for p in sorted(at))


def _bare(url: Any, prefix: str) -> str | None:
    return url.removeprefix(prefix) if isinstance(url, str) and url.startswith(prefix) else None


def _arxiv(work: dict[str, Any], doi_: str | None) -> str | None:
    if doi_ and doi_.startswith("10.48550/arxiv."):
        return arxiv_id(doi_.removeprefix("10.48550/arxiv."))
    for loc in work.get("locations") or []:
        page = loc.get("landing_page_url") if isinstance(loc, dict) else None
        if isinstance(page, str) and "arxiv.org/abs/" in page:
            return arxiv_id(page)
    return None


def work_record(work: Any, where: str, n: int) -> PaperRecord | None:
    """The record of one work, or None when it has no title."""
    if not isinstance(work, dict):
        return None
    title = " ".join(str(work.get("title") or work.get("display_name") or "").split())
    if not title:
        return None
    doi_ = doi(str(work.get("doi") or "")) if work.get("doi") else None
    authors = []
    for a in work.get("authorships") or []:
        who = a.get("author") if isinstance(a, dict) else None
        if isinstance(who, dict) and isinstance(who.get("display_name"), str):
            authors.append(Author(
                who["display_name"],
                orcid=_bare(who.get("orcid"), "https://orcid.org/"),
                openalex_id=_bare(who.get("id"), "https://openalex.org/"),
            ))  # fmt: skip
    source = ((work.get("primary_location") or {}).get("source") or {}).get("display_name")
    try:
        published = dt.date.fromisoformat(str(work.get("publication_date"))[:10])
    except ValueError:
        published = None
    return PaperRecord(
        title=title,
        abstract=abstract(work.get("abstract_inverted_index")),
        location=Location(where, n),
        source_kind="openalex",
        arxiv_id=_arxiv(work, doi_),
        doi=doi_,
        published=published,
        authors=tuple(authors),
        venue=source[:255] if isinstance(source, str) else "",
    )


class OpenAlexWorks(Feed):
    """The works of one OpenAlex author, ORCID or institution."""

    scheme = "openalex"

    def __init__(self, name: str, kind: str, ident: str, window: Window | None = None) -> None:
        super().__init__(name, window)
        self.kind = kind
        self.ident = ident

    def _base(self, api: FeedApi) -> str:
        return api.settings.openalex_api_url.rstrip("/")

    def _polite(self, api: FeedApi) -> dict[str, str | int]:
        return {"mailto": api.settings.mailto} if api.settings.mailto else {}

    def probe(self, api: FeedApi) -> Stopped | None:
        where = KINDS[self.kind][2]
        ident = f"orcid:{self.ident}" if self.kind == "orcid" else self.ident
        result = api.get(f"{self._base(api)}/{where}/{ident}", self._polite(api))
        if result.failure is not None or result.response is None:
            return unreachable(self.name, result)
        if result.status != 200:
            return refused(self.name, result, self.kind)
        return None

    def _filter(self, cursor: Cursor, window: Window, today: dt.date) -> str:
        parts = [f"{KINDS[self.kind][1]}:{self.ident}"]
        since = window.since or cursor.through
        if since:
            parts.append(f"from_publication_date:{since.isoformat()}")
        if window.until:
            parts.append(f"to_publication_date:{min(window.until, today).isoformat()}")
        return ",".join(parts)

    def pages(
        self, api: FeedApi, cursor: Cursor, window: Window, today: dt.date
    ) -> Iterator[Page | Stopped]:
        wanted = self._filter(cursor, window, today)
        held, sep, token = cursor.token.partition("\n")
        page_cursor = token if sep and held == wanted else "*"
        offset = first = cursor.offset if page_cursor != "*" else 0
        newest = cursor.through
        while True:
            params: dict[str, str | int] = {
                "filter": wanted, "sort": "publication_date:asc", "per-page": PAGE_SIZE,
                "cursor": page_cursor, **self._polite(api),
            }  # fmt: skip
            result = api.get(self._base(api) + "/works", params)
            if result.failure is not None or result.response is None:
                yield unreachable(self.name, result)
                return
            if result.status != 200:
                yield refused(self.name, result, self.kind)
                return
            try:
                body = json.loads(result.response.content)
                works, nxt = body["results"], (body.get("meta") or {}).get("next_cursor")
                count = (body.get("meta") or {}).get("count")
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                yield Stopped(StopKind.BAD_ANSWER, f"{self.name}: the answer is not a works list")
                return
            items = []
            for n, work in enumerate(works, offset + 1):
                record = work_record(work, self.name, n)
                if record is not None:
                    items.append(Item(record))
                    if record.published and record.published <= today:
                        newest = max(newest or record.published, record.published)
            offset += len(works)
            extent = (
                Extent.listed(first, offset, count, "works")
                if isinstance(count, int) and not isinstance(count, bool)
                else None
            )
            if works and isinstance(nxt, str) and nxt:
                yield Page(tuple(items), Cursor(through=cursor.through, offset=offset,
                                                token=f"{wanted}\n{nxt}"), extent)  # fmt: skip
                page_cursor = nxt
                continue
            yield Page(tuple(items), Cursor(through=newest), extent)
            return
