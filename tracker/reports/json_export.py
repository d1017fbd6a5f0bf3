"""JSON and JSON Lines exports with a documented, versioned schema (`PAPER_SCHEMA`).

The JSON document is written as a stream (header, then one paper at a time), so exporting a
million papers needs no more memory than exporting ten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, ClassVar, TextIO

from tracker.flags.checklist import ITEM_KEYS, ITEMS
from tracker.models import PaperView, ReportSummary
from tracker.reports.interface import Formatter, ReportSource

SCHEMA_ID = "tracker-papers/1"

_LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "url",
        "kind",
        "role",
        "provenance",
        "found_in",
        "repo_status",
        "stars",
        "license",
        "archived_url",
        "archived_at",
    ],
    "properties": {
        "url": {"type": "string", "description": "Canonical URL."},
        "kind": {"type": "string", "description": "github_repo, github_owner, hf_model, ..."},
        "role": {"type": "string", "description": "code, project, data, weights, demo, other."},
        "provenance": {"type": "string", "description": "Where the link was found."},
        "found_in": {"type": "string", "description": "Input file and line, or API URL."},
        "repo_status": {
            "type": ["string", "null"],
            "description": "Latest check of the repository.",
        },
        "stars": {"type": ["integer", "null"]},
        "license": {"type": ["string", "null"], "description": "SPDX id of the LICENSE file."},
        "archived_url": {
            "type": ["string", "null"],
            "description": "An archived copy of the target (Software Heritage for code, the "
            "Wayback Machine for pages); null when not archived or not known.",
        },
        "archived_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When that copy was taken; null with no copy.",
        },
    },
}
_OPEN_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["number", "title", "created_at", "url"],
    "properties": {
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "created_at": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string"},
    },
}
_CHECKLIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The ML Code Completeness Checklist of the main code repository (the first "
    "own code link whose repository is up); `unknown` when the evidence cannot tell or no such "
    "repository was judged.",
    "required": list(ITEM_KEYS),
    "additionalProperties": False,
    "properties": {
        i.key: {"enum": ["yes", "no", "unknown"], "description": f"yes when {i.definition}."}
        for i in ITEMS
    },
}
PAPER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "One paper in a tracker export (a JSON Lines line, or an item of `papers`).",
    "type": "object",
    "required": [
        "key",
        "arxiv_id",
        "title",
        "published",
        "code_status",
        "weights_status",
        "data_status",
        "verdict",
        "verdict_kind",
        "flags",
        "acknowledged",
        "stars",
        "links",
        "checklist",
        "checklist_score",
        "open_requests",
    ],
    "properties": {
        "key": {"type": "string", "description": "arxiv:ID, doi:DOI or title:normalized title."},
        "arxiv_id": {"type": ["string", "null"]},
        "title": {"type": "string"},
        "published": {"type": ["string", "null"], "format": "date"},
        "code_status": {"enum": ["released", "promised", "mentioned_no_link", "none"]},
        "weights_status": {"enum": ["released", "promised", "mentioned_no_link", "none"]},
        "data_status": {"enum": ["released", "promised", "mentioned_no_link", "none"]},
        "verdict": {"type": "string", "description": "One readable line, empty before flagging."},
        "verdict_kind": {"type": "string", "description": "available, overdue, pending, ..."},
        "flags": {"type": "array", "items": {"type": "string"}, "description": "True probes."},
        "acknowledged": {
            "type": "array",
            "items": {"type": "string"},
            "description": "True probes a person marked as false positives.",
        },
        "stars": {"type": ["integer", "null"], "description": "Most starred linked repository."},
        "links": {"type": "array", "items": _LINK_SCHEMA},
        "checklist": _CHECKLIST_SCHEMA,
        "checklist_score": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": len(ITEMS),
            "description": "How many checklist items are yes; null when no repository was judged.",
        },
        "open_requests": {
            "type": "array",
            "items": _OPEN_REQUEST_SCHEMA,
            "description": "Open issues of its code repositories asking for code, weights or "
            "data, newest first (read for papers with an open promise, a placeholder or "
            "missing weights).",
        },
    },
}
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
    return {
        "key": p.key,
        "arxiv_id": p.arxiv_id,
        "title": p.title,
        "published": p.published.isoformat() if p.published else None,
        "code_status": p.code_status,
        "weights_status": p.weights_status,
        "data_status": p.data_status,
        "verdict": p.verdict,
        "verdict_kind": p.verdict_kind,
        "flags": list(p.flags),
        "acknowledged": list(p.acknowledged),
        "stars": p.stars,
        "links": [
            {
                "url": lk.url,
                "kind": lk.kind,
                "role": lk.role,
                "provenance": lk.provenance,
                "found_in": lk.found_in,
                "repo_status": lk.repo_status,
                "stars": lk.stars,
                "license": lk.license_spdx,
                "archived_url": lk.archived_url,
                "archived_at": lk.archived_at.isoformat() if lk.archived_at else None,
            }
            for lk in p.links
        ],
        "checklist": dict(p.checklist or dict.fromkeys(ITEM_KEYS, "unknown")),
        "checklist_score": p.checklist_score,
        "open_requests": [
            {
                "number": r.number,
                "title": r.title,
                "created_at": r.created_at.isoformat() if r.created_at else None,
                "url": r.url,
            }
            for r in p.open_requests
        ],
    }


def summary_dict(s: ReportSummary) -> dict[str, Any]:
    return {
        "papers": s.papers,
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
