"""The Hugging Face trending/daily papers page as a browser copies it.

Per paper: a title line, a blank line, an abstract paragraph, a blank line. Page chrome
("Subscribe", "Get trending papers in your email inbox!", a date) comes first and is not a paper.
Missing blank lines between title and abstract and Windows line endings are tolerated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracker.models import Location, PaperRecord
from tracker.sources.interface import Source

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_CHROME = re.compile(
    r"^(?:new|subscribe|get trending papers in your email inbox!?|"
    r"by\s*ak and the research community|trending papers|daily papers|"
    r"(?:" + _MONTHS + r")[a-z]*\.? \d{1,2}(?:,? \d{4})?|\d{4}-\d{2}-\d{2}|"
    r"(?:previous|next)(?: day| week| month)?|upvote|\d+)$",
    re.IGNORECASE,
)
_TITLE_MAX = 300
_ABSTRACT_MIN = 120


def _is_chrome(line: str) -> bool:
    return bool(_CHROME.match(line.strip()))


def _looks_like_title(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= _TITLE_MAX and not _is_chrome(s)


class HfListing(Source):
    name = "hf_listing"
    extensions = (".txt", ".text", ".md")

    def sniff(self, head: str) -> bool:
        return bool(head.strip()) and not head.lstrip().startswith(("{", "[", "<", "@", "%PDF"))

    def read(self, lines: Iterator[str], source: str) -> Iterator[PaperRecord]:
        return _papers(_blocks(lines), source)


def _blocks(lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    """Paragraphs (runs of non-blank lines) with the 1-based line where each starts."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n").replace("\r", "")
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _papers(blocks: Iterator[tuple[int, list[str]]], source: str) -> Iterator[PaperRecord]:
    """Pair each title paragraph with the abstract paragraph after it."""
    title: tuple[int, str] | None = None
    for start, block in blocks:
        lines = [line for line in block if not _is_chrome(line)]
        if not lines:
            continue
        if (
            len(lines) == 1
            and _looks_like_title(lines[0])
            and (title is None or len(lines[0]) < _ABSTRACT_MIN)
        ):
            title = (start, lines[0])
            continue
        if title is None:
            if len(lines) < 2 or not _looks_like_title(lines[0]):
                continue
            title, lines = (start, lines[0]), lines[1:]
        yield PaperRecord(
            title=" ".join(title[1].split()),
            abstract=" ".join(lines),
            location=Location(source, title[0]),
            source_kind="hf_listing",
        )
        title = None
