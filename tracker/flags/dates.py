"""A paper's date, and where it came from: the day grace periods and release times count from.

In order of trust: the date the source gave (an API, a BibTeX `year`/`month`, a CSV column), the
date arXiv's API gave during discovery, the month the arXiv ID encodes (`2310.12920` is October
2023, `hep-th/9901001` January 1999), and last the day the tracker first saw the paper. Each is
labelled, so evidence can say "due 2024-01-29: 90 days after the end of 2023-10 (month from the
arXiv ID)". A month-precise date is counted from the month's last day for deadlines, so a paper
is never overdue early, and from its first day for the time a release took.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from tracker.frozen import quick_init
from tracker.models import PaperFacts

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}$")


class DateBasis(StrEnum):
    """Where a paper's date came from, most trusted first."""

    SOURCE = "source"
    ARXIV_API = "arxiv_api"
    ARXIV_ID = "arxiv_id"
    FIRST_SEEN = "first_seen"


_LABELS = {
    DateBasis.SOURCE: "the paper date",
    DateBasis.ARXIV_API: "the arXiv date",
    DateBasis.ARXIV_ID: "the month of arXiv ID",
    DateBasis.FIRST_SEEN: "first seen",
}


@quick_init
@dataclass(frozen=True, slots=True)
class PaperDate:
    """The day a paper appeared, as precisely as known."""

    start: dt.date
    """The earliest day it may be (the day itself, or the first of its month)."""
    end: dt.date
    """The latest day it may be (the same day, or the last of its month)."""
    basis: DateBasis

    @property
    def monthly(self) -> bool:
        return self.start != self.end

    def describe(self, arxiv_id: str | None = None) -> str:
        """E.g. "the paper date 2024-03-05" or "the month of arXiv ID 2310.12920 (2023-10)"."""
        if self.basis is DateBasis.ARXIV_ID:
            return f"{_LABELS[self.basis]} {arxiv_id} ({self.start:%Y-%m})"
        if self.basis is DateBasis.FIRST_SEEN:
            return f"first seen on {self.start} (paper date unknown)"
        return f"{_LABELS[self.basis]} {self.start}"


def arxiv_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """(year, month) an arXiv identifier encodes, or None when it is not one."""
    if not arxiv_id:
        return None
    m = _NEW_ID.match(arxiv_id) or _OLD_ID.match(arxiv_id)
    if m is None:
        return None
    yy, mm = int(m.group(1)), int(m.group(2))
    if not 1 <= mm <= 12:
        return None
    year = 1900 + yy if yy >= 91 else 2000 + yy  # arXiv began in August 1991
    return year, mm


def paper_date(f: PaperFacts) -> PaperDate | None:
    """The best-known date of a paper, or None when nothing dates it at all."""
    if f.published is not None:
        basis = DateBasis.ARXIV_API if f.date_basis == "arxiv_api" else DateBasis.SOURCE
        return PaperDate(f.published, f.published, basis)
    month = arxiv_month(f.arxiv_id)
    if month is not None:
        year, mm = month
        last = calendar.monthrange(year, mm)[1]
        return PaperDate(dt.date(year, mm, 1), dt.date(year, mm, last), DateBasis.ARXIV_ID)
    if f.first_seen is not None:
        return PaperDate(f.first_seen, f.first_seen, DateBasis.FIRST_SEEN)
    return None
