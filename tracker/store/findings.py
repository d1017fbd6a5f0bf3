"""Saving probe answers and reviews: findings, verdicts and acknowledgements.

Only answers that say something is there (TRUE) or that a probe broke (ERROR) are stored: FALSE
and NOT_AVAILABLE are recomputed by `tracker show` whenever wanted, and keeping them would put a
dozen rows per paper in the table. Saving is an idempotent upsert on (paper, code, subject) that
also removes what no longer holds, and a rerun over unchanged facts writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from tracker.models import Finding, Outcome
from tracker.store.defaults import FLAG_NEVER, utcnow
from tracker.store.paper_state import refresh_paper_state, stored_state
from tracker.store.rollup import PaperRollup
from tracker.store.schema import Acknowledgement, Paper
from tracker.store.schema import Finding as FindingRow

_KEPT = (Outcome.TRUE, Outcome.ERROR)
_CONTENT = ("outcome", "severity", "message", "evidence", "measure", "dated")


@dataclass(frozen=True, slots=True)
class PaperFlags:
    """One paper's probe answers and the verdict drawn from them, ready to store."""

    paper_key: str
    findings: tuple[Finding, ...]
    verdict_kind: str
    verdict: str
    flags: str = ""
    """Space-separated true, unacknowledged probe codes (`code_delivered` excluded)."""
    acknowledged: str = ""
    rollup: PaperRollup = field(default_factory=PaperRollup)
    """The paper's links as exports show them, stored beside the verdict."""
    release_days: int | None = None
    """The true `code_delivered` finding's measure, if any."""
    due: dt.date = FLAG_NEVER
    """The first day this judgement may read differently for the same facts
    (`paper_state.flag_due`)."""


def _values(f: Finding) -> dict[str, object]:
    return {
        "outcome": f.outcome.value,
        "severity": f.severity.value,
        "message": f.message,
        "evidence": json.dumps(list(f.evidence), ensure_ascii=False),
        "measure": f.measure,
        "dated": f.dated,
    }


def save_findings(conn: Connection, batch: Sequence[PaperFlags]) -> int:
    """Store the answers and verdicts of `batch` in the caller's transaction; returns how many
    finding rows were inserted, updated or deleted."""
    fr = FindingRow
    papers = stored_state(conn, [b.paper_key for b in batch])
    ids = [r.id for r in papers.values()]
    have = {
        (r.paper_id, r.code, r.subject): r
        for r in conn.execute(select(fr).where(fr.c.paper_id.in_(ids))).mappings()
    }
    now, inserts, updates, wanted = utcnow(), [], [], set()
    for b in batch:
        row = papers.get(b.paper_key)
        if row is None:
            continue
        for f in b.findings:
            if f.outcome not in _KEPT:
                continue
            ident = (row.id, f.code, f.subject)
            wanted.add(ident)
            vals = _values(f)
            old = have.get(ident)
            if old is None:
                inserts.append(
                    {
                        "paper_id": row.id,
                        "code": f.code,
                        "subject": f.subject,
                        **vals,
                        "first_seen_at": now,
                        "updated_at": now,
                    }
                )
            elif any(old[k] != vals[k] for k in _CONTENT):
                updates.append({"fid": old["id"], **vals, "updated_at": now})
    gone = [old["id"] for ident, old in have.items() if ident not in wanted]
    if inserts:
        conn.execute(insert(fr), inserts)
    if updates:
        conn.execute(
            update(fr).where(fr.c.id == bindparam("fid")),
            [{"fid": u.pop("fid"), **u} for u in updates],
        )
    if gone:
        conn.execute(delete(fr).where(fr.c.id.in_(gone)))
    refresh_paper_state(conn, batch, papers, now)
    return len(inserts) + len(updates) + len(gone)


def paper_id(conn: Connection, ref: str) -> tuple[int, str] | None:
    """The id and key of the paper `ref` names: its key, arXiv ID (with or without `arxiv:`)
    or DOI."""
    p = Paper
    bare = ref.strip()
    for prefix in ("arxiv:", "doi:"):
        if bare.lower().startswith(prefix):
            bare = bare[len(prefix) :]
    for cond in (p.c.key == ref.strip(), p.c.arxiv_id == bare, p.c.doi == bare.lower()):
        row = conn.execute(select(p.c.id, p.c.key).where(cond).limit(1)).first()
        if row is not None:
            return int(row.id), str(row.key)
    return None


def save_ack(conn: Connection, pid: int, code: str, note: str) -> bool:
    """Record that a person reviewed `code` on the paper as a false positive; True if new."""
    a = Acknowledgement
    where = and_(a.c.paper_id == pid, a.c.code == code)
    if conn.execute(select(a.c.id).where(where)).first() is not None:
        conn.execute(update(a).where(where).values(note=note))
        return False
    conn.execute(insert(a).values(paper_id=pid, code=code, note=note, created_at=utcnow()))
    return True


def delete_ack(conn: Connection, pid: int, code: str) -> bool:
    a = Acknowledgement
    done = conn.execute(delete(a).where(and_(a.c.paper_id == pid, a.c.code == code)))
    return bool(done.rowcount)


def ack_notes(conn: Connection, pid: int) -> dict[str, str]:
    a = Acknowledgement
    rows = conn.execute(select(a.c.code, a.c.note).where(a.c.paper_id == pid))
    return {r.code: r.note for r in rows}


__all__ = ["PaperFlags", "ack_notes", "delete_ack", "paper_id", "save_ack", "save_findings"]
