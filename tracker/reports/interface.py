"""What every export format provides: a name and a writer over the stored report.

A formatter reads what it needs from a `ReportSource` (papers, the summary, the store's fast
CSV rows) and writes one text stream; it never queries the database itself, so the same
formatter serves `tracker export`, the Action's summary files and tests. `ExportFormat` (in
`tracker.reports.formats`) names every format and returns its formatter: adding a format is
one module with one `Formatter` and one line there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import ClassVar, Protocol, TextIO

from tracker.models import KeptPromise, PaperView, ReportSummary


class ReportSource(Protocol):
    """The stored papers of one filtered report, read lazily (only what a format asks for)."""

    @property
    def more_url(self) -> str | None:
        """Where the full export is, named when a format has to cut (Markdown)."""

    @property
    def per_link(self) -> bool:
        """One row per link instead of per paper (CSV)."""

    def papers(self, *, cards: bool = False) -> Iterable[PaperView]:
        """Every paper in report order; `cards` adds what the HTML page's cards show beyond
        the exports: its repository's star history and the claims' sentences."""

    def summary(self) -> ReportSummary: ...

    def paper_rows(self) -> Iterable[Sequence[object]]:
        """One plain row per paper in `csv_export.PAPER_COLUMNS` order (the fast path)."""

    def link_rows(self) -> Iterable[Sequence[object]]:
        """One plain row per link in `csv_export.LINK_COLUMNS` order."""

    def kept_promises(self) -> Sequence[KeptPromise]:
        """The kept promises of the selected papers (`tracker.store.kept`): as many as the
        summary's `kept`, for charts."""


class Formatter(ABC):
    """One export format."""

    name: ClassVar[str]
    unit: ClassVar[str] = "papers"
    """What `write` counts, for the closing line (`exported N papers`)."""

    @abstractmethod
    def write(self, source: ReportSource, fh: TextIO) -> int:
        """Write the report to `fh`; returns the number of papers (or rows) written."""

    def unit_for(self, source: ReportSource) -> str:
        return self.unit
