"""How the command line shows the stages of a run (`tracker.pipeline.Observer`): a meter on
standard error while a stage runs (`tracker.cli.progress`), one line of what it did after."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tracker.check.interface import Progress as CheckProgress
from tracker.cli.app import err
from tracker.cli.progress import Meter
from tracker.models import CheckSummary, EnrichSummary
from tracker.pipeline import Observer


def _quota(p: CheckProgress) -> str:
    left = f", {p.remaining:,} left" if p.remaining is not None else ""
    if p.waiting_s > 0:
        return f"{p.note} ({int(p.waiting_s)} s)"
    return f"{p.points:,} points spent{left}"


@contextmanager
def check_bar() -> Iterator[Callable[[CheckProgress], None]]:
    """The check's meter: done/left, ETA, and the rate-limit quota or countdown."""
    logging.getLogger("github").setLevel(logging.WARNING)
    with Meter(err, "checking", "repositories") as meter:
        yield lambda p: meter(p.done, p.total, _quota(p))


def say_check(s: CheckSummary) -> None:
    err.print(
        f"{s.checked:,} repositories checked ({s.transport}; {s.changed:,} changed, "
        f"{s.unknown:,} unknown), {s.requests:,} requests, {s.points:,} rate-limit points"
    )
    if s.unchecked:
        err.print(f"{s.unchecked:,} repositories not checked: {s.reason}")
    if s.hub_verified:
        err.print(f"{s.hub_verified:,} Hub models the repositories name looked up")
    if s.archives_asked or s.archives_note:
        unknown = f", {s.archives_unknown:,} unknown" if s.archives_unknown else ""
        note = f" ({s.archives_note}; the rest next run)" if s.archives_note else ""
        err.print(f"{s.archives_asked:,} links looked up in the archives{unknown}{note}")
    if s.requests_asked or s.requests_note:
        note = f" ({s.requests_note})" if s.requests_note else ""
        err.print(
            f"{s.requests_asked:,} repositories' open issues read for requests, "
            f"{s.requests_points:,} rate-limit points{note}"
        )


def say_enrich(s: EnrichSummary) -> None:
    err.print(
        f"{s.papers_enriched:,} papers looked at beyond the abstract: {s.links_found:,} new "
        f"links, {s.arxiv_ids_found:,} arXiv IDs found, {s.web_resolved:,} pages and "
        "shortlinks resolved"
    )


class Shown(Observer):
    """Meters while the stages run (`tracker.cli.progress`), a line after each."""

    def running(self, stage: str) -> Any:
        if stage == "check":
            return check_bar()
        if stage == "enrich":
            return Meter(err, "looking beyond the abstract", "papers")
        return Meter(err, "flagging", "papers")

    def done(self, stage: str, summary: object) -> None:
        if isinstance(summary, CheckSummary):
            say_check(summary)
        elif isinstance(summary, EnrichSummary):
            say_enrich(summary)
