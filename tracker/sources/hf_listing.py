"""The Hugging Face trending/daily papers page as a browser copies it.

Per paper: a title line, a blank line, an abstract paragraph, a blank line. Page chrome
("Subscribe", "Get trending papers in your email inbox!", dates, vote counts) is not a paper.
Missing blank lines (title glued to its abstract, or an abstract glued to the next title) and
Windows line endings are tolerated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from tracker.models import Location, PaperRecord
from tracker.sources.interface import ReadContext, Source, text_lines

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_CHROME = re.compile(
    r"^(?:new|subscribe|get trending papers in your email inbox!?|"
    r"by\s*ak and the research community|trending papers|daily papers|"
    r"(?:published|submitted) (?:on|by)\b.*|"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?(?:"
    + _MONTHS
    + r")[a-z]*\.? \d{1,2}(?:,? \d{4})?|"
    r"\d{4}-\d{2}-\d{2}|\d+ (?:authors?|upvotes?|comments?)|·.*|"
    r"(?:previous|next)(?: day| week| month)?|upvote|\d+(?:\.\d+)?k?)$",
    re.IGNORECASE,
)
_TITLE_MAX = 300
_SENTENCE_END = (".", "!", "?", ")", "]", '"')


def _is_chrome(line: str) -> bool:
    return bool(_CHROME.match(line))


def _title_like(line: str) -> bool:
    """Short, not ending with a full stop (titles may end with '?' or a quote), not chrome."""
    return len(line) <= _TITLE_MAX and not line.endswith((".", ";", ",")) and not _is_chrome(line)


def _starts_next(line: str, last: str, blank_before: bool) -> bool:
    """A title after an abstract; without a blank line only after a whole unwrapped paragraph."""
    if not _title_like(line):
        return False
    return blank_before or (len(last) > 400 and last.endswith(_SENTENCE_END))


class HfListing(Source):
    name = "hf_listing"
    extensions = (".txt", ".text", ".md")

    def sniff(self, head: str) -> bool:
        return bool(head.strip()) and not head.lstrip().startswith(("{", "[", "<", "@", "%PDF"))

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        title: tuple[int, str] | None = None
        abstract: list[str] = []
        blank_before = True
        for number, raw in text_lines(fh, ctx):
            line = " ".join(raw.split())
            if not line:
                blank_before = True
                continue
            if _is_chrome(line):
                continue
            if title is not None and abstract and _starts_next(line, abstract[-1], blank_before):
                yield self._record(title, abstract, ctx)
                title, abstract = None, []
            if not abstract and _title_like(line):
                title = (number, line)
            elif title is not None:
                abstract.append(line)
            blank_before = False
        if title is not None:
            yield self._record(title, abstract, ctx)

    def _record(self, title: tuple[int, str], abstract: list[str], ctx: ReadContext) -> PaperRecord:
        return PaperRecord(
            title=title[1],
            abstract=" ".join(abstract),
            location=Location(ctx.source, title[0]),
            source_kind=self.name,
        )
