"""`tracker show`: one paper in full — links with provenance, repository history, every probe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from tracker.flags.checklist_items import ITEMS, Checklist, from_json, main_repository
from tracker.handles import paper_handle
from tracker.models import Finding, HistoryPoint, OpenRequest, PaperFacts
from tracker.reports.markdown import cell
from tracker.reports.text import rich_text


@dataclass(frozen=True, slots=True)
class PaperDetail:
    """What `show` prints; assembled by the CLI from store queries and the pure probes."""

    facts: PaperFacts
    verdict: str
    findings: tuple[Finding, ...]
    """Every probe's answer, computed now from the stored facts."""
    notes: dict[str, str]
    """Acknowledgement notes by probe code."""
    history: dict[str, tuple[HistoryPoint, ...]]
    """Stored changes by repository key."""
    archives: dict[str, tuple[str, dt.datetime | None]] = field(default_factory=dict)
    """Link URL -> its archived copy and when it was taken, for links with one."""
    open_requests: tuple[OpenRequest, ...] = ()
    """Open issues of its code repositories asking for code, weights or data."""


def _copy(d: PaperDetail, url: str) -> str:
    """The archived copy of a link's target, as one line (empty when none is known)."""
    found = d.archives.get(url)
    if found is None:
        return ""
    copy, when = found
    return f"archived: {copy}" + (f" ({when:%Y-%m-%d})" if when else "")


def _requests(d: PaperDetail) -> list[tuple[str, str, str, str]]:
    return [
        (f"#{r.number}", f"{r.created_at:%Y-%m-%d}" if r.created_at else "", r.title, r.url)
        for r in d.open_requests
    ]


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None


def _claims(d: PaperDetail) -> list[tuple[str, str, str, str]]:
    f = d.facts
    return [
        (art, c.status.value, c.condition, c.evidence)
        for art, c in (("code", f.code), ("weights", f.weights), ("data", f.data))
    ]


def _finding_state(d: PaperDetail, f: Finding) -> str:
    return "acknowledged" if f.code in d.notes and f.outcome.value == "true" else f.outcome.value


def _checklist(d: PaperDetail) -> tuple[str | None, Checklist | None]:
    """The main code repository's name and its stored checklist (None when not judged)."""
    main = main_repository(d.facts.links)
    if main is None or main.repo is None:
        return None, None
    return main.repo.full_name or main.repo.key, from_json(main.repo.checklist)


def _checklist_dict(d: PaperDetail) -> dict[str, Any]:
    name, c = _checklist(d)
    return {
        "repository": name,
        "score": c.score if c is not None else None,
        "items": {
            i.key: {"answer": "unknown", "evidence": [], "confidence": 0.0, "reason": "not judged"}
            if c is None
            else {
                "answer": c.get(i.key).answer.value,
                "evidence": list(c.get(i.key).evidence),
                "confidence": c.get(i.key).confidence,
                "reason": c.get(i.key).reason,
            }
            for i in ITEMS
        },
    }


def _checklist_rows(d: PaperDetail) -> tuple[str, list[tuple[str, str, str, str]]]:
    """A title and one row per item: item, answer, confidence, evidence (or why not)."""
    name, c = _checklist(d)
    if c is None:
        why = "no main code repository" if name is None else f"{name} not judged yet"
        return f"Checklist: unknown ({why})", []
    rows = [
        (
            i.key,
            a.answer.value,
            f"{a.confidence:.2f}",
            "\n".join(a.evidence) or a.reason,
        )
        for i in ITEMS
        for a in (c.get(i.key),)
    ]
    return f"Checklist of {name}: {c.score}/{len(ITEMS)}", rows


def detail_dict(d: PaperDetail) -> dict[str, Any]:
    f = d.facts
    return {
        "key": f.key,
        "handle": paper_handle(f.key),
        "title": f.title,
        "published": f.published.isoformat() if f.published else None,
        "venue_date": f.venue_date.isoformat() if f.venue_date else None,
        "verdict": d.verdict,
        "open_requests": [
            {
                "number": r.number,
                "title": r.title,
                "created_at": r.created_at.isoformat() if r.created_at else None,
                "url": r.url,
            }
            for r in d.open_requests
        ],
        "claims": [
            {"artifact": a, "status": s, "condition": c, "evidence": e} for a, s, c, e in _claims(d)
        ],
        "links": [
            {
                "url": lk.url,
                "kind": lk.kind,
                "role": lk.role,
                "provenance": lk.provenance,
                "official": lk.official,
                "found_in": lk.found_in,
                "sentence": lk.sentence,
                "archived_url": d.archives[lk.url][0] if lk.url in d.archives else None,
                "archived_at": _iso(d.archives[lk.url][1]) if lk.url in d.archives else None,
                "repository": None
                if lk.repo is None
                else {
                    "name": lk.repo.full_name,
                    "status": lk.repo.status,
                    "reason": lk.repo.status_reason,
                    "stars": lk.repo.stars,
                    "license": lk.repo.license_spdx,
                    "archived": lk.repo.archived,
                    "history": [
                        {
                            "observed_at": h.observed_at.isoformat(),
                            "status": h.status,
                            "stars": h.stars,
                            "license": h.license_spdx,
                            "archived": h.archived,
                            "name": h.full_name,
                            "placeholder": h.placeholder,
                            "has_weights": h.has_weights,
                        }
                        for h in d.history.get(lk.repo.key, ())
                    ],
                },
            }
            for lk in f.links
        ],
        "checklist": _checklist_dict(d),
        "findings": [
            {
                "code": x.code,
                "outcome": x.outcome.value,
                "acknowledged": x.code in d.notes,
                "note": d.notes.get(x.code, ""),
                "severity": x.severity.value,
                "message": x.message,
                "evidence": list(x.evidence),
                "subject": x.subject,
                "measure": x.measure,
                "dated": x.dated.isoformat() if x.dated else None,
            }
            for x in d.findings
        ],
    }


def detail_view(d: PaperDetail) -> RenderableType:
    f = d.facts
    head = rich_text(
        f"{f.title}\n{paper_handle(f.key)}  {f.key}  published {f.published or 'unknown'}"
        + (f"  venue {f.venue_date}" if f.venue_date else "")
        + f"\nverdict: {d.verdict}"
    )
    claims = Table(title="Claims", expand=False)
    for col in ("artifact", "status", "condition", "evidence"):
        claims.add_column(col, overflow="fold")
    for row in _claims(d):
        claims.add_row(*(rich_text(x) for x in row))
    links = Table(title="Links", expand=False)
    for col in ("url", "kind/role", "provenance", "found in", "repository"):
        links.add_column(col, overflow="fold")
    for lk in f.links:
        r = lk.repo
        state = (
            ""
            if r is None
            else f"{r.status} {r.status_reason}".strip()
            + (f" ★{r.stars}" if r.stars is not None else "")
        )
        links.add_row(
            rich_text(lk.url),
            rich_text(f"{lk.kind}/{lk.role}"),
            rich_text(f"{lk.provenance} ({lk.official})"),
            rich_text(lk.found_in),
            rich_text("\n".join(x for x in (state, _copy(d, lk.url)) if x)),
        )
    parts: list[RenderableType] = [head, claims, links]
    if d.open_requests:
        asking = Table(title="Open requests for code, weights or data", expand=False)
        for col in ("issue", "opened", "title", "url"):
            asking.add_column(col, overflow="fold")
        for row in _requests(d):
            asking.add_row(*(rich_text(x) for x in row))
        parts.append(asking)
    title, rows = _checklist_rows(d)
    checklist = Table(title=rich_text(title), expand=False)
    for col in ("item", "answer", "confidence", "evidence"):
        checklist.add_column(col, overflow="fold")
    for row in rows:
        checklist.add_row(*(rich_text(x) for x in row))
    parts.append(checklist if rows else rich_text(title))
    for key, points in d.history.items():
        hist = Table(title=rich_text(f"History of {key}"), expand=False)
        for col in ("observed", "status", "stars", "license", "archived", "name"):
            hist.add_column(col)
        for h in points:
            hist.add_row(
                f"{h.observed_at:%Y-%m-%d %H:%M}",
                rich_text(h.status),
                str(h.stars or ""),
                rich_text(h.license_spdx or ""),
                "yes" if h.archived else "",
                rich_text(h.full_name),
            )
        parts.append(hist)
    probes = Table(title="Probes", expand=False)
    for col in ("probe", "answer", "message", "evidence"):
        probes.add_column(col, overflow="fold")
    for x in d.findings:
        note = f"\nnote: {d.notes[x.code]}" if x.code in d.notes else ""
        probes.add_row(
            x.code,
            _finding_state(d, x),
            rich_text(x.message + note),
            rich_text("\n".join(x.evidence)),
        )
    parts.append(probes)
    return Group(*parts)


def detail_markdown(d: PaperDetail) -> str:
    f = d.facts
    out = [
        f"## {cell(f.title)}\n\n`{paper_handle(f.key)}` · `{f.key}` · "
        f"published {f.published or 'unknown'} · "
        f"**{cell(d.verdict)}**\n\n### Links\n\n| URL | Kind | Role | Provenance | Repository |\n"
        "|---|---|---|---|---|\n"
    ]
    for lk in f.links:
        state = "" if lk.repo is None else f"{lk.repo.status} ★{lk.repo.stars or 0}"
        state = " · ".join(x for x in (state, _copy(d, lk.url)) if x)
        out.append(
            f"| {cell(lk.url)} | {lk.kind} | {lk.role} | {cell(lk.provenance)} | {cell(state)} |\n"
        )
    if d.open_requests:
        out.append("\n### Open requests\n\n| Issue | Opened | Title |\n|---|---|---|\n")
        out += [f"| [{n}]({cell(u)}) | {o} | {cell(t)} |\n" for n, o, t, u in _requests(d)]
    title, rows = _checklist_rows(d)
    out.append(f"\n### {cell(title)}\n\n")
    if rows:
        out.append("| Item | Answer | Confidence | Evidence |\n|---|---|---|---|\n")
        out += [f"| {k} | {a} | {c} | {cell(e)} |\n" for k, a, c, e in rows]
    out.append("\n### Probes\n\n| Probe | Answer | Message |\n|---|---|---|\n")
    for x in d.findings:
        out.append(f"| {x.code} | {_finding_state(d, x)} | {cell(x.message)} |\n")
    return "".join(out)
