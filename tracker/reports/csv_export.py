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

from tracker.hosts import REPO_LINK_KINDS
from tracker.models import LinkView, PaperView
from tracker.reports.cells import paper_stars
from tracker.reports.interface import Formatter, ReportSource

PAPER_COLUMNS = (
    "key",
    "arxiv_id",
    "title",
    "published",
    "code_status",
    "weights_status",
    "data_status",
    "verdict",
    "links",
    "repo_status",
    "stars",
    "license",
    "verdict_kind",
    "flags",
    "acknowledged",
    "checklist_score",
)
"""One row per paper. `links` joins canonical URLs with a space; `repo_status` and `license` are
the first GitHub repository's; `stars` is the most starred linked repository's; `flags` and
`acknowledged` join probe codes with a space; `checklist_score` is the main code repository's."""

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
)
"""One row per link (`--per-link`); a paper without links gets one row with empty link cells."""

COLUMN_DOCS = {
    "key": "paper identity: arxiv:ID, doi:DOI or title:normalized title",
    "arxiv_id": "bare arXiv ID, no version",
    "title": "title as read",
    "published": "paper date (YYYY-MM-DD)",
    "code_status": "what the paper says about code: released, promised, mentioned_no_link, none",
    "weights_status": "same, for model weights",
    "data_status": "same, for datasets",
    "verdict": "one readable line, e.g. `promised — overdue by 143 days`",
    "links": "canonical URLs separated by spaces",
    "repo_status": "latest check of the first GitHub repository (ok, not_found, unknown, ...)",
    "stars": "stars of the most starred linked repository",
    "license": "SPDX id of the first GitHub repository's LICENSE file",
    "verdict_kind": "verdict category: available, overdue, pending, placeholder, dead, ...",
    "flags": "probe codes that answered true, separated by spaces",
    "acknowledged": "true probe codes a person marked as false positives",
    "checklist_score": "completeness checklist score (0-5) of the main code repository: how many "
    "of dependencies, training, evaluation, pretrained_models, results are yes; empty when "
    "none was judged",
    "url": "the link (per-link rows)",
    "kind": "github_repo, github_owner, hf_model, project_page, ...",
    "role": "code, project, data, weights, demo, other",
    "provenance": "where the link was found: abstract, comment, pdf, project_page, ...",
    "found_in": "input file and line, or API URL",
}

_FORMULA_START = frozenset("=+-@\t\r")


def _safe_row(values: list[object]) -> list[str]:
    """A row with every formula-starting cell quoted (`'`), so spreadsheets show it as text."""
    out = []
    for v in values:
        t = "" if v is None else v if isinstance(v, str) else str(v)
        out.append("'" + t if t and t[0] in _FORMULA_START else t)
    return out


def _first_repo(p: PaperView) -> LinkView | None:
    return next((lk for lk in p.links if lk.kind in REPO_LINK_KINDS), None)


def _paper_row(p: PaperView) -> list[str]:
    repo = _first_repo(p)
    values: list[object] = [
        p.key,
        p.arxiv_id,
        p.title,
        p.published,
        p.code_status,
        p.weights_status,
        p.data_status,
        p.verdict,
        " ".join(lk.url for lk in p.links),
        repo.repo_status if repo else None,
        paper_stars(p),
        repo.license_spdx if repo else None,
        p.verdict_kind,
        " ".join(p.flags),
        " ".join(p.acknowledged),
        p.checklist_score,
    ]
    return _safe_row(values)


def _link_rows(p: PaperView) -> Iterable[list[str]]:
    head: list[object] = [p.key, p.arxiv_id, p.title, p.published, p.verdict]
    if not p.links:
        yield _safe_row(head) + [""] * 8
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
    {
        "key",
        "published",
        "stars",
        "code_status",
        "weights_status",
        "data_status",
        "links",
        "url",
        "repo_status",
        "verdict_kind",
        "flags",
        "acknowledged",
        "kind",
        "role",
        "provenance",
    }
)
"""Columns holding only dates, counts, canonical URLs, keys the tool builds (`arxiv:`, `doi:`,
`title:` and the rest) and the tool's own status words and codes: nothing there can start a
formula, so the fast path checks only the other columns (titles, IDs, verdicts, licenses,
input locations)."""
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
