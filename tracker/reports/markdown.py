"""Markdown sized for a GitHub issue or job summary: never more than 65,536 characters.

Rows are added while they fit; what does not fit is replaced by one line saying how many papers
were left out and where the full export is.

Stored text goes into Markdown only through `cell` (text) and `href` (link targets), so a title
can neither break the table, nor bring raw HTML, nor act on GitHub: GitHub turns `@user`,
`@org/team`, `#12`, `GH-12` and `owner/repo#12` into live mentions and cross-references that
notify people and link issues. `cell` puts a zero-width space, written as the entity `&#8203;`,
after `@` and after `#`/`GH-` before a number, the way Dependabot quotes release notes: the
text reads the same and GitHub links nothing. The entity (not the character, which
`printable` removes from stored text) keeps the break visible in the source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import ClassVar, TextIO
from urllib.parse import quote

from tracker.models import DiffEvent, PaperView, ReportSummary
from tracker.reports.cells import code_link, flag_text, paper_stars, summary_lines
from tracker.reports.interface import Formatter, ReportSource
from tracker.reports.text import printable

GITHUB_LIMIT = 65_536
_FOOTER_ROOM = 400
DEFAULT_MORE = "`tracker export --format csv -o papers.csv`"


_MARKDOWN_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]"})
_REFERENCE = re.compile(r"@(?=\w)|(?:#|\bGH-)(?=\d)", re.IGNORECASE)
_ZERO_WIDTH_SPACE = "&#8203;"
_URL_SAFE = "!#$%&'*+,/:;=?@-._~"
"""RFC 3986 reserved and unreserved characters, and `%`, less `(` and `)`, which end a Markdown
link target, and `[` and `]`, which only an IPv6 host needs."""


def cell(text: object) -> str:
    """Stored text as one line of Markdown that renders as itself: printable (no controls or
    invisible characters), no table breaks, no links, no HTML, no mentions or references."""
    s = " ".join(printable(text).split())
    s = html.escape(s, quote=False).translate(_MARKDOWN_ESCAPES)
    return _REFERENCE.sub(lambda m: m[0] + _ZERO_WIDTH_SPACE, s)


def href(url: str) -> str:
    """A link target for `[label](target)`: everything but URL punctuation percent-encoded, so
    spaces, `|`, `<`, `)` or invisible characters can neither end the link nor hide in it."""
    return quote(url, safe=_URL_SAFE)


def paper_link(title: str, arxiv_id: str | None) -> str:
    """A paper's title, linked to its arXiv page when it has one."""
    return f"[{cell(title)}](https://arxiv.org/abs/{href(arxiv_id)})" if arxiv_id else cell(title)


def _code_cell(p: PaperView) -> str:
    lk = code_link(p)
    if lk is None:
        return ""
    return f"[{cell(lk.url.split('://', 1)[-1])}]({href(lk.url)})"


def _row(p: PaperView) -> str:
    stars = paper_stars(p)
    cells = [
        f"`{cell(p.handle)}`",
        paper_link(p.title, p.arxiv_id),
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
        "| Handle | Paper | Verdict | Code | Stars | Flags |\n|---|---|---|---|---:|---|\n",
    ]
    used = sum(len(x) for x in parts)
    n = 0
    for n_seen, p in enumerate(papers, 1):
        row = _row(p)
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
        "| When | Change | Repository | Before | After | Handle | Paper |\n"
        "|---|---|---|---|---|---|---|\n",
    ]
    used = sum(len(x) for x in out)
    for i, e in enumerate(events):
        row = (
            f"| {e.at:%Y-%m-%d} | {e.kind} | {cell(e.subject)} | {cell(e.before)} | "
            f"{cell(e.after)} | `{cell(e.handle)}` | {cell(e.title)} |\n"
        )
        if used + len(row) > limit - _FOOTER_ROOM:
            out.append(f"\n_{len(events) - i:,} more changes not shown._\n")
            break
        out.append(row)
        used += len(row)
    return "".join(out)


class MarkdownFormat(Formatter):
    """The summary and a table cut to fit a GitHub issue or job summary."""

    name: ClassVar[str] = "markdown"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        more = source.more_url or DEFAULT_MORE
        return write_markdown(source.papers(), source.summary(), fh, more=more)
