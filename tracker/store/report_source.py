"""The stored papers of one filtered report, as the export formatters read them.

Implements `tracker.reports.interface.ReportSource` over one connection: each format asks only
for what it writes, and the summary is computed once however many formats a caller writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from sqlalchemy import Connection

from tracker.models import KeptPromise, PaperView, ReportFilter, ReportSummary
from tracker.store.archives import with_archives
from tracker.store.claims import with_claims
from tracker.store.open_requests import with_open_requests
from tracker.store.reporting import (
    iter_csv_rows,
    iter_link_rows,
    iter_report_views,
    kept_promises,
    report_summary,
)

CARD_BATCH = 500
"""Papers whose archived copies and open requests are read in one query each."""


class StoredReport:
    """A `ReportSource` reading the database through `conn`."""

    def __init__(
        self,
        conn: Connection,
        flt: ReportFilter | None = None,
        *,
        per_link: bool = False,
        more_url: str | None = None,
    ) -> None:
        self.conn, self.flt = conn, flt or ReportFilter()
        self.per_link, self.more_url = per_link, more_url
        self._summary: ReportSummary | None = None

    def papers(self, *, cards: bool = False) -> Iterator[PaperView]:
        """The papers in report order, each link with its archived copy and each paper with
        its open requests (read a batch at a time beside the ordered join); with `cards`, also
        its star history and claims."""
        views = iter_report_views(self.conn, self.flt, history=cards)
        while batch := list(islice(views, CARD_BATCH)):
            batch = with_open_requests(self.conn, with_archives(self.conn, batch))
            yield from with_claims(self.conn, batch) if cards else batch

    def summary(self) -> ReportSummary:
        if self._summary is None:
            self._summary = report_summary(self.conn, self.flt)
        return self._summary

    def paper_rows(self) -> Iterator[Sequence[object]]:
        return iter_csv_rows(self.conn, self.flt)

    def link_rows(self) -> Iterator[Sequence[object]]:
        return iter_link_rows(self.conn, self.flt)

    def kept_promises(self) -> list[KeptPromise]:
        return kept_promises(self.conn, self.flt)
