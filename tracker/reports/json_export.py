"""JSON and JSON Lines exports with a documented, versioned schema (`PAPER_SCHEMA`).

The JSON document is written as a stream (header, then one paper at a time), so exporting a
million papers needs no more memory than exporting ten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, ClassVar, TextIO

from tracker.columns import JSON_COLUMNS, json_paper, paper_schema_properties
from tracker.models import PaperView, ReportSummary
from tracker.reports.interface import Formatter, ReportSource

SCHEMA_ID = "tracker-papers/1"

PAPER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "One paper in a tracker export (a JSON Lines line, or an item of `papers`).",
    "type": "object",
    "required": [c.name for c in JSON_COLUMNS],
    "properties": paper_schema_properties(),
}
"""Built from the paper's public columns (`tracker.columns`)."""
DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A tracker JSON export.",
    "type": "object",
    "required": ["schema", "generated_at", "summary", "papers"],
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "generated_at": {"type": "string", "format": "date-time"},
        "summary": {"type": "object"},
        "papers": {"type": "array", "items": PAPER_SCHEMA},
    },
}


def paper_dict(p: PaperView) -> dict[str, Any]:
    """One paper object (`PAPER_SCHEMA`)."""
    return json_paper(p)


def summary_dict(s: ReportSummary) -> dict[str, Any]:
    return {
        "papers": s.papers,
        "claimed_code": s.claimed,
        "with_code": s.with_code,
        "share_with_code": round(s.share_with_code, 4),
        "promises": {"kept": s.kept, "broken": s.broken, "pending": s.pending},
        "unknown": s.unknown,
        "median_days_to_release": s.median_days_to_release,
        "verdicts": s.verdicts,
        "licenses": s.licenses,
        "flagged": s.flagged,
    }


def write_jsonl(papers: Iterable[PaperView], fh: TextIO) -> int:
    n = 0
    for p in papers:
        fh.write(json.dumps(paper_dict(p), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_json(papers: Iterable[PaperView], summary: ReportSummary, fh: TextIO) -> int:
    head = {
        "schema": SCHEMA_ID,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "summary": summary_dict(summary),
    }
    fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "papers": [')
    n = 0
    for p in papers:
        fh.write(("\n" if n == 0 else ",\n") + json.dumps(paper_dict(p), ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n


class JsonFormat(Formatter):
    """One JSON document: the summary and every paper (`SCHEMA`)."""

    name: ClassVar[str] = "json"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        return write_json(source.papers(), source.summary(), fh)


class JsonlFormat(Formatter):
    """JSON Lines: one paper object per line, streamed."""

    name: ClassVar[str] = "jsonl"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        return write_jsonl(source.papers(), fh)
