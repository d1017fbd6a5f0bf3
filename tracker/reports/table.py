"""Terminal tables: papers with their verdicts, the summary above them, and diff events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.models import DiffEvent, PaperView, ReportSummary
from tracker.reports.cells import code_link, flag_text, paper_stars, summary_lines
from tracker.reports.text import printable, rich_text

WIDE_FROM = 120
"""Terminal width from which `papers_table` chooses the wide layout (`--wide`/`--narrow`
choose it outright)."""
ROWS_SHOWN = 50
"""Papers `run` and `report` list unless `--limit` says otherwise (`--limit 0`: all)."""

_GAP = 3
"""Cells between two columns: padding on each side of the space that `box.SIMPLE_HEAD` draws."""
_TITLE_LEAST = 24
"""The title's width that other columns give way to, down to their `least`."""
_BREAKS = (" ", "/", "-", "_", ".")
"""Where a cell may be cut, best first: between words, then inside a URL or a name."""


def clip(text: str, width: int) -> str:
    """`text` on one line of at most `width` cells: whole, or cut where a word (or, in a word
    without spaces such as a URL, a path part) ends, with `…` saying it was cut."""
    line = " ".join(printable(text).split())
    if cell_len(line) <= width:
        return line
    if width <= 1:
        return "…"[:width]
    head = set_cell_size(line, width - 1)
    ahead = line[: len(head) + 1]  # a break just after the head ends a word there too
    for mark in _BREAKS:
        cut = ahead.rfind(mark)
        if cut >= width // 2:  # a cut far to the left would throw most of the text away
            return ahead[:cut].rstrip(" /-_.,;:") + "…"
    return head.rstrip() + "…"


@dataclass(frozen=True)
class _Column:
    header: str
    cells: list[str]
    most: int
    """Widest this column may be; the title takes what the others leave."""
    least: int = 8
    """How narrow it may get so that the title keeps `_TITLE_LEAST` on a narrow terminal."""
    justify: JustifyMethod = "left"

    def natural(self) -> int:
        return max([cell_len(self.header), *(cell_len(c) for c in self.cells)])


def _code_cell(p: PaperView) -> str:
    link = code_link(p)
    return "" if link is None else link.url  # whole, so that a terminal can open it


def _stars_cell(p: PaperView) -> str:
    stars = paper_stars(p)
    return "" if stars is None else f"{stars:,}"


def _claim(status: str) -> str:
    return "" if status == "none" else status


def _columns(papers: Sequence[PaperView], wide: bool) -> list[_Column]:
    """The columns after the title; a wide column no listed paper fills is left out.

    The verdict is the one code status a table shows: the paper's own code claim (`released`
    in its text) can disagree with what was found (a repository not created yet makes it
    "promised — due in 90 days"), so the claim is left to `tracker show`, where it sits beside
    its evidence."""
    verdict = _Column("verdict", [p.verdict or "not flagged yet" for p in papers], 34, 16)
    if not wide:
        return [verdict]
    more = [
        _Column("weights", [_claim(p.weights_status) for p in papers], 8),
        _Column("data", [_claim(p.data_status) for p in papers], 8),
        _Column("stars", [_stars_cell(p) for p in papers], 9, 5, "right"),
        _Column("flags", [flag_text(p) for p in papers], 30),
        _Column("code", [_code_cell(p) for p in papers], 48, 20),
    ]
    return [verdict, *(c for c in more if any(c.cells))]


def papers_table(
    papers: Iterable[PaperView],
    title: str = "Papers",
    width: int = 80,
    wide: bool | None = None,
) -> Table:
    """One line per paper at `width` columns: handle, title and verdict on a narrow terminal,
    and weights, data, stars, flags and the code link besides from `WIDE_FROM` columns on (or
    as `wide` says). Every cell is cut to its column where a word ends, never wrapped."""
    rows = list(papers)
    wide = width >= WIDE_FROM if wide is None else wide
    handles = _Column("handle", [p.handle for p in rows], 24)
    rest = _columns(rows, wide)
    fixed = [handles, *rest]
    widths = [min(c.natural(), c.most) for c in fixed]
    titles = [p.title for p in rows]
    room = width - sum(widths) - _GAP * len(fixed)
    natural_title = max([len("paper"), *(cell_len(printable(t)) for t in titles)])
    for i in reversed(range(1, len(fixed))):  # the code link gives way first, the verdict last
        give = min(max(0, min(_TITLE_LEAST, natural_title) - room), widths[i] - fixed[i].least)
        widths[i] -= max(0, give)
        room += max(0, give)
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("handle", style="bold", no_wrap=True, width=widths[0])
    title_width = max(1, min(room, natural_title))
    table.add_column("paper", no_wrap=True, width=title_width)
    for column, w in zip(rest, widths[1:], strict=True):
        table.add_column(column.header, no_wrap=True, width=w, justify=column.justify)
    for i, p in enumerate(rows):  # Text, not str: a title's `[bold]` is not markup
        cells = [Text(clip(c.cells[i], w)) for c, w in zip(fixed, widths, strict=True)]
        table.add_row(cells[0], Text(clip(p.title, title_width)), *cells[1:])
    return table


def more_line(shown: int, total: int) -> Text | None:
    """The line under a table cut at `shown` of `total` papers; None when none was left out."""
    if total <= shown:
        return None
    return Text(f"{total - shown:,} more — use --limit N to show N, --limit 0 for all", style="dim")


def summary_block(s: ReportSummary) -> Text:
    return rich_text("\n".join(summary_lines(s)))


def listing(
    papers: Sequence[PaperView], total: int, width: int, wide: bool | None = None
) -> RenderableType:
    """The papers table, and under it how many of `total` it left out."""
    more = more_line(len(papers), total)
    table = papers_table(papers, width=width, wide=wide)
    return table if more is None else Group(table, more)


def report_view(
    s: ReportSummary, papers: Sequence[PaperView], width: int, wide: bool | None = None
) -> RenderableType:
    """The summary, then the table under it (`s.papers` counts what the table may leave out)."""
    return Group(summary_block(s), Text(""), listing(papers, s.papers, width, wide))


def diff_table(events: Iterable[DiffEvent], title: str) -> Table:
    table = Table(title=title, expand=False)
    table.add_column("handle", style="bold", no_wrap=True)
    for col in ("when", "change", "repository", "before", "after", "paper"):
        table.add_column(col, overflow="fold")
    for e in events:
        table.add_row(
            e.handle,
            e.at.strftime("%Y-%m-%d %H:%M"),
            rich_text(e.kind),
            rich_text(e.subject),
            rich_text(e.before),
            rich_text(e.after),
            rich_text(e.title),
        )
    return table
