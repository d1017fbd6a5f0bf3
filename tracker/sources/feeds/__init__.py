"""Live sources named on the command line: `parse_feed("hf:daily/2025-04-01..2025-04-30")`.

| name | what it follows |
| --- | --- |
| `hf:daily`, `hf:daily/DAY`, `hf:daily/DAY..DAY` | the Hugging Face daily papers |
| `hf:trending` | what the Hugging Face papers page shows as trending |
| `arxiv:CATEGORY`, `arxiv:CATEGORY/DAY[..DAY]` | new submissions to an arXiv category |
| `arxiv:search/QUERY` | the results of an arXiv API query |
| `openreview:VENUE` | the accepted papers of an OpenReview venue |
| `openalex:author/ID`, `orcid:ID`, `openalex:institution/ID` | an author's or a lab's works |

A name that is not one of these is an `InputError` (exit code 3) raised before anything is read
or written. `is_feed` tells a feed name from a file: a path that exists is always a file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tracker.errors import InputError
from tracker.sources.feeds.arxiv import ArxivCategory, ArxivSearch, check_category
from tracker.sources.feeds.hf import HfDaily, HfTrending
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
)
from tracker.sources.feeds.openalex import OpenAlexWorks, check_id
from tracker.sources.feeds.openreview import OpenReviewVenue

SCHEMES = ("hf", "arxiv", "openreview", "openalex", "orcid")
EXAMPLES = (
    "hf:daily", "hf:daily/2025-04-21", "hf:daily/2025-04-01..2025-04-30", "hf:trending",
    "arxiv:cs.LG", "arxiv:cs.LG/2025-04-01..2025-04-30", "arxiv:search/all:diffusion",
    "openreview:ICLR.cc/2025/Conference", "openalex:author/A5023888391",
    "orcid:0000-0002-1825-0097", "openalex:institution/I136199984",
)  # fmt: skip
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):(.*)$", re.S)
_VENUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9_.\-]+)*$")


def is_feed(arg: str) -> bool:
    """Whether `arg` names a feed rather than a file: `scheme:rest`, and no such path exists."""
    return bool(_SCHEME.match(arg)) and not Path(arg).exists()


def parse_window(feed: str, text: str) -> Window:
    """`DAY` or `DAY..DAY` (ISO dates, the first not after the second)."""
    first, sep, last = text.partition("..")
    try:
        since = dt.date.fromisoformat(first)
        until = dt.date.fromisoformat(last) if sep else since
    except ValueError:
        raise InputError(
            feed, f"malformed date range {text!r}: use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
        ) from None
    if since > until:
        raise InputError(feed, f"date range {text!r} ends before it starts")
    return Window(since, until)


def parse_feed(arg: str) -> Feed:
    """The feed `arg` names, or an `InputError` saying what is wrong with it."""
    m = _SCHEME.match(arg.strip())
    if not m:
        raise InputError(arg, f"not a feed name; feeds look like {', '.join(EXAMPLES[:5])}")
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme not in SCHEMES:
        raise InputError(
            arg, f"unknown feed {scheme + ':'!r}; feeds are {', '.join(s + ':' for s in SCHEMES)}"
        )
    return {
        "hf": _hf, "arxiv": _arxiv, "openreview": _openreview, "openalex": _openalex,
        "orcid": _orcid,
    }[scheme](arg, rest)  # fmt: skip


def _hf(arg: str, rest: str) -> Feed:
    what, sep, dates = rest.partition("/")
    if what == "trending" and not sep:
        return HfTrending("hf:trending")
    if what == "daily":
        return HfDaily("hf:daily", parse_window(arg, dates) if sep else None)
    raise InputError(arg, "unknown Hugging Face feed; use hf:daily[/DAY[..DAY]] or hf:trending")


def _arxiv(arg: str, rest: str) -> Feed:
    if rest.startswith("search/"):
        query = rest.removeprefix("search/").strip()
        if not query:
            raise InputError(arg, "an arXiv search needs a query, e.g. arxiv:search/all:diffusion")
        return ArxivSearch(f"arxiv:search/{query}", query)
    category, sep, dates = rest.partition("/")
    check_category(arg, category)
    return ArxivCategory(f"arxiv:{category}", category, parse_window(arg, dates) if sep else None)


def _openreview(arg: str, rest: str) -> Feed:
    venue = rest.strip().strip("/")
    if not venue or not _VENUE.match(venue):
        raise InputError(arg, "an OpenReview venue id looks like ICLR.cc/2025/Conference")
    return OpenReviewVenue(f"openreview:{venue}", venue)


def _openalex(arg: str, rest: str) -> Feed:
    kind, sep, ident = rest.partition("/")
    if kind not in ("author", "institution") or not sep:
        raise InputError(arg, "use openalex:author/ID or openalex:institution/ID")
    ident = check_id(arg, kind, ident.strip())
    return OpenAlexWorks(f"openalex:{kind}/{ident}", kind, ident)


def _orcid(arg: str, rest: str) -> Feed:
    ident = check_id(arg, "orcid", rest.strip())
    return OpenAlexWorks(f"orcid:{ident}", "orcid", ident)


__all__ = [
    "EXAMPLES", "SCHEMES", "Cursor", "Extent", "Feed", "FeedApi", "Item", "Page", "StopKind", "Stopped",
    "Window", "is_feed", "parse_feed", "parse_window",
]  # fmt: skip
