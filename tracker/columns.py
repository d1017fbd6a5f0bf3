"""A paper's public columns, defined once: what the CSV and JSON exports write for each paper,
and so what the HTML page carries and the README lists.

Each column has a name, the line that documents it (the CSV column docs and the JSON Schema's
description), its JSON Schema, and how each export reads it off a `PaperView`: `csv` gives the
flat cell (None: not a CSV column), `json` the JSON value (None: not a JSON field). The CSV
keeps the order here, and a new column goes at the end, so scripts that read by position keep
working. The store's fast CSV path (`tracker.store.export_rows`) writes the same columns from
SQL, by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.flags.checklist_items import ITEM_KEYS, ITEMS
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import LinkView, PaperView
from tracker.reports.cells import paper_stars

Read = Callable[[PaperView], Any]


@dataclass(frozen=True, slots=True)
class Column:
    """One public column of a paper."""

    name: str
    doc: str
    """One line saying what it holds (the CSV docs and the JSON Schema's description)."""
    schema: dict[str, Any] = field(default_factory=dict)
    """Its JSON Schema, without the description."""
    csv: Read | None = None
    """Its CSV cell; None when the CSV has no such column."""
    json: Read | None = None
    """Its JSON value; None when the JSON has no such field."""
    tool_words: bool = False
    """It holds only dates, counts, canonical URLs, keys the tool builds (`arxiv:`, `doi:`,
    `title:`) and the tool's own status words and codes: no cell of it can start a spreadsheet
    formula, so the CSV fast path need not check it (`tracker.reports.csv_export`)."""


def _first_repo(p: PaperView) -> LinkView | None:
    """The first link to a repository on a code host."""
    return next((lk for lk in p.links if lk.kind in REPO_LINK_KINDS), None)


def _date(p: PaperView) -> str | None:
    return p.published.isoformat() if p.published else None


def _iso(when: Any) -> str | None:
    return when.isoformat() if when else None


def _link(lk: LinkView) -> dict[str, Any]:
    return {
        "url": lk.url,
        "kind": lk.kind,
        "role": lk.role,
        "provenance": lk.provenance,
        "found_in": lk.found_in,
        "repo_status": lk.repo_status,
        "stars": lk.stars,
        "license": lk.license_spdx,
        "archived_url": lk.archived_url,
        "archived_at": _iso(lk.archived_at),
    }


def _requests(p: PaperView) -> list[dict[str, Any]]:
    return [
        {"number": r.number, "title": r.title, "created_at": _iso(r.created_at), "url": r.url}
        for r in p.open_requests
    ]


LINK_SCHEMA: dict[str, Any] = {
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
"""One element of a paper's `links` in JSON."""

_REQUEST_SCHEMA: dict[str, Any] = {
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
    "required": list(ITEM_KEYS),
    "additionalProperties": False,
    "properties": {
        i.key: {"enum": ["yes", "no", "unknown"], "description": f"yes when {i.definition}."}
        for i in ITEMS
    },
}
_STATUS = {"enum": ["released", "promised", "mentioned_no_link", "none"]}
_TEXT = {"type": "string"}
_MAYBE_TEXT = {"type": ["string", "null"]}
_CODES = {"type": "array", "items": {"type": "string"}}


def _words(codes: tuple[str, ...]) -> str:
    return " ".join(codes)


PAPER_COLUMNS: tuple[Column, ...] = (
    Column(
        "key",
        "paper identity: arxiv:ID, doi:DOI or title:normalized title",
        _TEXT,
        lambda p: p.key,
        lambda p: p.key,
        tool_words=True,
    ),
    Column(
        "arxiv_id",
        "bare arXiv ID, no version",
        _MAYBE_TEXT,
        lambda p: p.arxiv_id,
        lambda p: p.arxiv_id,
    ),
    Column("title", "title as read", _TEXT, lambda p: p.title, lambda p: p.title),
    Column(
        "published",
        "paper date (YYYY-MM-DD)",
        {"type": ["string", "null"], "format": "date"},
        lambda p: p.published,
        _date,
        tool_words=True,
    ),
    Column(
        "code_status",
        "what the paper says about code: released, promised, mentioned_no_link, none",
        _STATUS,
        lambda p: p.code_status,
        lambda p: p.code_status,
        tool_words=True,
    ),
    Column(
        "weights_status",
        "same, for model weights",
        _STATUS,
        lambda p: p.weights_status,
        lambda p: p.weights_status,
        tool_words=True,
    ),
    Column(
        "data_status",
        "same, for datasets",
        _STATUS,
        lambda p: p.data_status,
        lambda p: p.data_status,
        tool_words=True,
    ),
    Column(
        "verdict",
        "one readable line, e.g. `promised — overdue by 143 days`; empty before flagging",
        _TEXT,
        lambda p: p.verdict,
        lambda p: p.verdict,
    ),
    Column(
        "links",
        "the paper's links: in CSV their canonical URLs separated by spaces",
        {"type": "array", "items": LINK_SCHEMA},
        lambda p: " ".join(lk.url for lk in p.links),
        lambda p: [_link(lk) for lk in p.links],
        tool_words=True,
    ),
    Column(
        "repo_status",
        "latest check of the first repository link (ok, not_found, unknown, ...)",
        csv=lambda p: lk.repo_status if (lk := _first_repo(p)) else None,
        tool_words=True,
    ),
    Column(
        "stars",
        "stars of the most starred linked repository",
        {"type": ["integer", "null"]},
        paper_stars,
        paper_stars,
        tool_words=True,
    ),
    Column(
        "license",
        "SPDX id of the first repository link's LICENSE file",
        csv=lambda p: lk.license_spdx if (lk := _first_repo(p)) else None,
    ),
    Column(
        "verdict_kind",
        "verdict category: available, overdue, pending, placeholder, dead, ...",
        _TEXT,
        lambda p: p.verdict_kind,
        lambda p: p.verdict_kind,
        tool_words=True,
    ),
    Column(
        "flags",
        "probe codes that answered true (in CSV separated by spaces)",
        _CODES,
        lambda p: _words(p.flags),
        lambda p: list(p.flags),
        tool_words=True,
    ),
    Column(
        "acknowledged",
        "true probe codes a person marked as false positives",
        _CODES,
        lambda p: _words(p.acknowledged),
        lambda p: list(p.acknowledged),
        tool_words=True,
    ),
    Column(
        "checklist_score",
        f"completeness checklist score (0-{len(ITEMS)}) of the main code repository: how many "
        f"of {', '.join(ITEM_KEYS)} are yes; empty (null) when none was judged",
        {"type": ["integer", "null"], "minimum": 0, "maximum": len(ITEMS)},
        lambda p: p.checklist_score,
        lambda p: p.checklist_score,
        tool_words=True,
    ),
    Column(
        "checklist",
        "the ML Code Completeness Checklist of the main code repository (the first own code "
        "link whose repository is up), each item yes, no or unknown; all unknown when the "
        "evidence cannot tell or no such repository was judged",
        _CHECKLIST_SCHEMA,
        json=lambda p: dict(p.checklist or dict.fromkeys(ITEM_KEYS, "unknown")),
    ),
    Column(
        "open_requests",
        "open issues of its code repositories asking for code, weights or data, newest first "
        "(read for papers with an open promise, a placeholder or missing weights)",
        {"type": "array", "items": _REQUEST_SCHEMA},
        json=_requests,
    ),
    Column(
        "venue",
        "where the paper appeared (an OpenReview venue, an arXiv journal reference, an "
        "OpenAlex source); empty when no source says",
        _TEXT,
        lambda p: p.venue,
        lambda p: p.venue,
    ),
    Column(
        "handle",
        "the paper's short name, as tables show it and `tracker show` and `tracker ack` accept: "
        "its arXiv ID, else 8 base32 characters of its key's hash (`tracker.handles`)",
        _TEXT,
        lambda p: p.handle,
        lambda p: p.handle,
        tool_words=True,
    ),
)
"""Every public column of a paper, in CSV order."""

CSV_COLUMNS: tuple[Column, ...] = tuple(c for c in PAPER_COLUMNS if c.csv is not None)
JSON_COLUMNS: tuple[Column, ...] = tuple(c for c in PAPER_COLUMNS if c.json is not None)


def json_paper(p: PaperView) -> dict[str, Any]:
    """One paper as the JSON exports write it."""
    return {c.name: c.json(p) for c in JSON_COLUMNS if c.json is not None}


def csv_paper(p: PaperView) -> list[Any]:
    """One paper's CSV cells, unquoted, in `CSV_COLUMNS` order."""
    return [c.csv(p) for c in CSV_COLUMNS if c.csv is not None]


def paper_schema_properties() -> dict[str, Any]:
    """The JSON Schema `properties` of a paper object."""
    return {c.name: {**c.schema, "description": c.doc} for c in JSON_COLUMNS}
