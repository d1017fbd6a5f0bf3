"""Small readings of a `PaperView` shared by every format, so they all say the same thing."""

from __future__ import annotations

from tracker.hosts import REPO_LINK_KINDS
from tracker.models import LinkView, PaperView, ReportSummary


def paper_stars(p: PaperView) -> int | None:
    """Stars of the most starred linked repository."""
    if p.stars is not None:
        return p.stars
    known = [lk.stars for lk in p.links if lk.stars is not None]
    return max(known) if known else None


def code_link(p: PaperView) -> LinkView | None:
    """The link a reader would click for code: the first repository, else the first link."""
    repos = [lk for lk in p.links if lk.kind in REPO_LINK_KINDS]
    return repos[0] if repos else (p.links[0] if p.links else None)


def flag_text(p: PaperView) -> str:
    acked = [f"{c} (acknowledged)" for c in p.acknowledged]
    return ", ".join([*p.flags, *acked])


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


NOT_CHECKED = "not checked: --no-check, no network or token, a rate limit, an error answer"
"""Why a code link ends `unknown` (`tracker.flags.verdict`), as the summary says it."""


def code_lines(s: ReportSummary) -> list[str]:
    """How many papers have code. While some links are unanswered, a share would read as a
    finding ("0 with code (0.0%)" when nothing could be checked), so the lines say instead
    what was claimed, what was verified and what could not be checked, and why."""
    if not s.unknown:
        return [f"{s.papers:,} papers, {s.with_code:,} with code ({_pct(s.share_with_code)})"]
    return [
        f"{s.papers:,} papers: {s.claimed:,} claim released code · {s.with_code:,} verified · "
        f"{s.unknown:,} not checked",
        NOT_CHECKED,
    ]


def summary_lines(s: ReportSummary) -> list[str]:
    """The summary as a few plain lines (the terminal and Markdown add their own markup)."""
    median = "n/a" if s.median_days_to_release is None else f"{s.median_days_to_release:g} days"
    lines = [
        *code_lines(s),
        f"promises: {s.kept:,} kept, {s.broken:,} broken, {s.pending:,} pending; "
        f"{s.unknown:,} unknown; median time to release {median}",
    ]
    if s.licenses:
        lines.append(
            "licenses: " + ", ".join(f"{k} {v:,}" for k, v in list(s.licenses.items())[:8])
        )
    if s.flagged:
        lines.append("flags: " + ", ".join(f"{k} {v:,}" for k, v in s.flagged.items()))
    return lines
