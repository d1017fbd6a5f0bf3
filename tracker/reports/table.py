"""The terminal table: one row per paper, its links underneath its statuses."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from tracker.models import PaperView


def _link_cell(p: PaperView) -> str:
    parts = []
    for lk in p.links:
        extra = f" [{lk.repo_status}]" if lk.repo_status else ""
        stars = f" ★{lk.stars}" if lk.stars is not None else ""
        parts.append(f"{lk.url} ({lk.role}){extra}{stars}")
    return "\n".join(parts) or "—"


def papers_table(papers: Iterable[PaperView], title: str = "Papers") -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("paper", overflow="fold", max_width=60)
    table.add_column("code")
    table.add_column("weights")
    table.add_column("data")
    table.add_column("links", overflow="fold")
    for i, p in enumerate(papers, 1):
        table.add_row(
            str(i), p.title, p.code_status, p.weights_status, p.data_status, _link_cell(p)
        )
    return table
