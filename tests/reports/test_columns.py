"""A paper's public columns are defined once (`tracker.columns`): the CSV header and docs, the JSON
Schema and objects, the store's two CSV paths and the README all follow that one list."""

from __future__ import annotations

import re
from pathlib import Path

from reports_seed import Seeded
from test_exports import conforms

from tracker.columns import CSV_COLUMNS, JSON_COLUMNS, PAPER_COLUMNS
from tracker.models import ReportFilter
from tracker.reports.csv_export import COLUMN_DOCS, _paper_row, _safe_row
from tracker.reports.csv_export import PAPER_COLUMNS as CSV_HEADER
from tracker.reports.json_export import PAPER_SCHEMA, paper_dict
from tracker.store import export_rows
from tracker.store.reporting import iter_csv_rows, iter_report_views, joined_csv_rows

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_list(after: str, until: str) -> list[str]:
    """The backquoted names in the README's export section between two phrases."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    start = text.index(after)
    part = text[start : text.index(until, start)]
    return re.findall(r"[a-z_]+", " ".join(re.findall(r"`([^`]*)`", part)))


def test_every_format_reads_the_one_list() -> None:
    names = [c.name for c in PAPER_COLUMNS]
    assert len(set(names)) == len(names)
    assert CSV_HEADER == tuple(c.name for c in CSV_COLUMNS) == export_rows.PAPER_COLUMNS
    assert {k: COLUMN_DOCS[k] for k in CSV_HEADER} == {c.name: c.doc for c in CSV_COLUMNS}
    assert PAPER_SCHEMA["required"] == [c.name for c in JSON_COLUMNS]
    assert list(PAPER_SCHEMA["properties"]) == [c.name for c in JSON_COLUMNS]
    assert all(c.csv is not None or c.json is not None for c in PAPER_COLUMNS)


def test_the_readme_lists_the_columns() -> None:
    csv_listed = _readme_list("One row per paper with the columns", "(`links`")
    assert csv_listed == list(CSV_HEADER)
    json_listed = set(_readme_list("A paper object has", "the JSON Schema is"))
    assert {c.name for c in JSON_COLUMNS} <= json_listed


def test_both_csv_paths_and_the_json_write_the_same_papers(seeded: Seeded) -> None:
    flt = ReportFilter(sort="stars", descending=True)
    with seeded.engine.connect() as conn:
        fast = [_safe_row(list(r)) for r in iter_csv_rows(conn, flt)]
        joined = [_safe_row(list(r)) for r in joined_csv_rows(conn, flt)]
        views = list(iter_report_views(conn, flt))
    assert fast == joined == [_paper_row(v) for v in views]
    venues = {r[0]: r[CSV_HEADER.index("venue")] for r in fast}
    assert venues["arxiv:2401.00001"] == "ICLR 2025 Poster" and venues["arxiv:2401.00002"] == ""
    for v in views:
        assert conforms(paper_dict(v), PAPER_SCHEMA)
        assert list(paper_dict(v)) == [c.name for c in JSON_COLUMNS]
