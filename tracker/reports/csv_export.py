"""CSV export: stable documented columns, RFC 4180 quoting, and no spreadsheet formulas.

A cell that begins with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`, the
OWASP-recommended neutralization, so opening the file in a spreadsheet never runs a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from tracker.models import PaperView

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
)
"""One row per paper. `links` joins canonical URLs with a space; repo facts are the first
GitHub repository's."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _paper_row(p: PaperView) -> list[str]:
    repo = next((lk for lk in p.links if lk.kind == "github_repo"), None)
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
        repo.stars if repo else None,
        repo.license_spdx if repo else None,
    ]
    return [safe_cell(v) for v in values]


def write_csv(papers: Iterable[PaperView], fh: TextIO) -> int:
    """Stream `papers` to `fh`; returns the number of rows written."""
    writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(PAPER_COLUMNS)
    n = 0
    for p in papers:
        writer.writerow(_paper_row(p))
        n += 1
    return n
