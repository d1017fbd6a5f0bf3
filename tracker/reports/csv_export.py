"""CSV export: stable documented columns, RFC 4180 quoting, and no spreadsheet formulas.

A cell that begins with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`, the
OWASP-recommended neutralization, so opening the file in a spreadsheet never runs a formula.
Columns are only ever added at the end, so scripts that read by position keep working.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import ClassVar, TextIO

from tracker.columns import CSV_COLUMNS, csv_paper
from tracker.models import PaperView
from tracker.reports.interface import Formatter, ReportSource

PAPER_COLUMNS = tuple(c.name for c in CSV_COLUMNS)
"""One row per paper: the paper's public columns (`tracker.columns`) a CSV carries."""

LINK_COLUMNS = (
    "key",
    "arxiv_id",
    "title",
    "published",
    "verdict",
    "url",
    "kind",
    "role",
    "provenance",
    "found_in",
    "repo_status",
    "stars",
    "license",
    "handle",
)
"""One row per link (`--per-link`); a paper without links gets one row with empty link cells."""

COLUMN_DOCS = {
    **{c.name: c.doc for c in CSV_COLUMNS},
    "url": "the link (per-link rows)",
    "kind": "github_repo, github_owner, hf_model, project_page, ...",
    "role": "code, project, data, weights, demo, other",
    "provenance": "where the link was found: abstract, comment, pdf, project_page, ...",
    "found_in": "input file and line, or API URL",
}
"""What each column holds: a paper's from `tracker.columns`, and those only per-link rows
have (a per-link row's `repo_status`, `stars` and `license` are its own link's)."""

_FORMULA_START = frozenset("=+-@\t\r")


def _safe_row(values: list[object]) -> list[str]:
    """A row with every formula-starting cell quoted (`'`), so spreadsheets show it as text."""
    out = []
    for v in values:
        t = "" if v is None else v if isinstance(v, str) else str(v)
        out.append("'" + t if t and t[0] in _FORMULA_START else t)
    return out


def _paper_row(p: PaperView) -> list[str]:
    return _safe_row(csv_paper(p))


def _link_rows(p: PaperView) -> Iterable[list[str]]:
    head: list[object] = [p.key, p.arxiv_id, p.title, p.published, p.verdict]
    if not p.links:
        yield [*_safe_row(head), *[""] * 8, p.handle]
    for lk in p.links:
        tail: list[object] = [
            lk.url,
            lk.kind,
            lk.role,
            lk.provenance,
            lk.found_in,
            lk.repo_status,
            lk.stars,
            lk.license_spdx,
            p.handle,
        ]
        yield _safe_row(head + tail)


def write_csv(papers: Iterable[PaperView], fh: TextIO, *, per_link: bool = False) -> int:
    """Stream `papers` to `fh`; returns the number of rows written (header excluded)."""
    writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(LINK_COLUMNS if per_link else PAPER_COLUMNS)
    n = 0
    for p in papers:
        if per_link:
            for row in _link_rows(p):
                writer.writerow(row)
                n += 1
        else:
            writer.writerow(_paper_row(p))
            n += 1
    return n


_TOOL_VALUES = frozenset(
    {c.name for c in CSV_COLUMNS if c.tool_words} | {"url", "kind", "role", "provenance", "handle"}
)
"""Columns no cell of which can start a formula (`Column.tool_words`, and the per-link URL and
the tool's link words): the fast path checks only the others (titles, IDs, verdicts, licenses,
venues, input locations)."""
_CHUNK = 5000


def write_csv_rows(
    rows: Iterable[Sequence[object]], fh: TextIO, columns: Sequence[str] = PAPER_COLUMNS
) -> int:
    """Stream plain rows already in `columns` order (the store's fast export path), a chunk at
    a time; only a row with a dangerous cell is copied to neutralize it."""
    writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    checked = [i for i, c in enumerate(columns) if c not in _TOOL_VALUES]
    it = iter(rows)
    n = 0
    while chunk := list(islice(it, _CHUNK)):
        for j, row in enumerate(chunk):
            for i in checked:
                v = row[i]
                if v.__class__ is str and v and v[0] in _FORMULA_START:
                    chunk[j] = _safe_row(list(row))
                    break
        writer.writerows(chunk)
        n += len(chunk)
    return n


class CsvFormat(Formatter):
    """CSV, one row per paper (or per link with `per_link`), formula cells neutralized."""

    name: ClassVar[str] = "csv"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        if source.per_link:
            return write_csv_rows(source.link_rows(), fh, LINK_COLUMNS)
        return write_csv_rows(source.paper_rows(), fh)

    def unit_for(self, source: ReportSource) -> str:
        return "rows" if source.per_link else "papers"
