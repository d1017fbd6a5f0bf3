"""Terminal tables: papers with their verdicts, the summary above them, and diff events."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.models import DiffEvent, PaperView, ReportSummary
from tracker.reports.cells import flag_text, paper_stars, summary_lines
from tracker.reports.text import rich_text


def _link_cell(p: PaperView) -> str:
    parts = []
    for lk in p.links:
        extra = f" [{lk.repo_status}]" if lk.repo_status else ""
        stars = f" ★{lk.stars}" if lk.stars is not None else ""
        parts.append(f"{lk.url} ({lk.role}){extra}{stars}")
    return "\n".join(parts) or "—"


COMPACT_BELOW = 140
"""Terminal width under which the table folds statuses into one column and drops stars/flags."""


def _claims_cell(p: PaperView) -> str:
    return (
        "\n".join(
            f"{name} {status}"
            for name, status in (
                ("code", p.code_status),
                ("weights", p.weights_status),
                ("data", p.data_status),
            )
            if status != "none"
        )
        or "—"
    )


def papers_table(
    papers: Iterable[PaperView], title: str = "Papers", width: int | None = None
) -> Table:
    """The papers table; on a terminal narrower than `COMPACT_BELOW` a shape that stays legible."""
    if width is not None and width < COMPACT_BELOW:
        return _compact_table(papers, title)
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("paper", overflow="fold", max_width=48)
    table.add_column("verdict", overflow="fold", max_width=32)
    table.add_column("code")
    table.add_column("weights")
    table.add_column("data")
    table.add_column("stars", justify="right")
    table.add_column("flags", overflow="fold", max_width=32)
    table.add_column("links", overflow="fold")
    for i, p in enumerate(papers, 1):
        stars = paper_stars(p)
        table.add_row(
            str(i),
            rich_text(p.title),
            rich_text(p.verdict or "—"),
            rich_text(p.code_status),
            rich_text(p.weights_status),
            rich_text(p.data_status),
            "" if stars is None else f"{stars:,}",
            rich_text(flag_text(p)),
            rich_text(_link_cell(p)),
        )
    return table


def _compact_table(papers: Iterable[PaperView], title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("paper / verdict", overflow="fold", ratio=2)
    table.add_column("claims", no_wrap=True)
    table.add_column("links", overflow="fold", ratio=3)
    for i, p in enumerate(papers, 1):
        table.add_row(
            str(i),
            rich_text(f"{p.title}\n→ {p.verdict or '—'}"),
            rich_text(_claims_cell(p)),
            rich_text(_link_cell(p)),
        )
    return table


def summary_block(s: ReportSummary) -> Text:
    return rich_text("\n".join(summary_lines(s)))


def report_view(s: ReportSummary, papers: Iterable[PaperView]) -> RenderableType:
    """The summary, then the table under it."""
    return Group(summary_block(s), papers_table(papers))


def diff_table(events: Iterable[DiffEvent], title: str) -> Table:
    table = Table(title=title, expand=False)
    for col in ("when", "change", "repository", "before", "after", "paper"):
        table.add_column(col, overflow="fold")
    for e in events:
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M"),
            rich_text(e.kind),
            rich_text(e.subject),
            rich_text(e.before),
            rich_text(e.after),
            rich_text(f"{e.title} ({e.paper_key})"),
        )
    return table
