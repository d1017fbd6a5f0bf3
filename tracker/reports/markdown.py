"""Markdown sized for a GitHub issue or job summary: never more than 65,536 characters.

Rows are added while they fit; what does not fit is replaced by one line saying how many papers
were left out and where the full export is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from tracker.models import DiffEvent, PaperView, ReportSummary
from tracker.reports.cells import code_link, flag_text, paper_stars, summary_lines

GITHUB_LIMIT = 65_536
_FOOTER_ROOM = 400
DEFAULT_MORE = "`tracker export --format csv -o papers.csv`"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, newlines or raw HTML."""
    s = "" if text is None else str(text)
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(s.split())


def _paper_cell(p: PaperView) -> str:
    title = cell(p.title).replace("[", "\\[").replace("]", "\\]")
    return f"[{title}](https://arxiv.org/abs/{p.arxiv_id})" if p.arxiv_id else title


def _code_cell(p: PaperView) -> str:
    lk = code_link(p)
    if lk is None:
        return ""
    label = cell(lk.url.split("://", 1)[-1]).replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({lk.url.replace(')', '%29').replace(' ', '%20')})"


def _row(i: int, p: PaperView) -> str:
    stars = paper_stars(p)
    cells = [
        str(i),
        _paper_cell(p),
        cell(p.verdict),
        _code_cell(p),
        "" if stars is None else f"{stars:,}",
        cell(flag_text(p)),
    ]
    return "| " + " | ".join(cells) + " |\n"


def summary_markdown(s: ReportSummary, title: str = "Paper code report") -> str:
    lines = summary_lines(s)
    return f"## {title}\n\n" + "".join(f"- {cell(ln)}\n" for ln in lines) + "\n"


def write_markdown(
    papers: Iterable[PaperView],
    summary: ReportSummary,
    fh: TextIO,
    *,
    limit: int = GITHUB_LIMIT,
    more: str = DEFAULT_MORE,
    title: str = "Paper code report",
) -> int:
    """Write the summary and as many rows as fit in `limit` characters; returns rows written."""
    parts = [
        summary_markdown(summary, title),
        "| # | Paper | Verdict | Code | Stars | Flags |\n|---:|---|---|---|---:|---|\n",
    ]
    used = sum(len(x) for x in parts)
    n = 0
    for n_seen, p in enumerate(papers, 1):
        row = _row(n_seen, p)
        if used + len(row) > limit - _FOOTER_ROOM:
            break
        parts.append(row)
        used += len(row)
        n = n_seen
    if n < summary.papers:
        parts.append(f"\n_Showing {n:,} of {summary.papers:,} papers. Full list: {cell(more)}_\n")
    fh.write("".join(parts))
    return n


def diff_markdown(events: list[DiffEvent], title: str, *, limit: int = GITHUB_LIMIT) -> str:
    head = f"## {title}\n\n"
    if not events:
        return head + "No changes.\n"
    out = [
        head,
        "| When | Change | Repository | Before | After | Paper |\n|---|---|---|---|---|---|\n",
    ]
    used = sum(len(x) for x in out)
    for i, e in enumerate(events):
        row = (
            f"| {e.at:%Y-%m-%d} | {e.kind} | {cell(e.subject)} | {cell(e.before)} | "
            f"{cell(e.after)} | {cell(e.title)} |\n"
        )
        if used + len(row) > limit - _FOOTER_ROOM:
            out.append(f"\n_{len(events) - i:,} more changes not shown._\n")
            break
        out.append(row)
        used += len(row)
    return "".join(out)
