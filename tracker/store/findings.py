"""Saving probe answers and reviews: findings, verdicts and acknowledgements.

Only answers that say something is there (TRUE) or that a probe broke (ERROR) are stored: FALSE
and NOT_AVAILABLE are recomputed by `tracker show` whenever wanted, and keeping them would put a
dozen rows per paper in the table. Saving is an idempotent upsert on (paper, code, subject) that
also removes what no longer holds, and a rerun over unchanged facts writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, Dialect, and_, bindparam, delete, insert, select, update

from tracker.frozen import quick_init
from tracker.models import Finding, Outcome
from tracker.store.bulk import BulkInsert, InList, memoized
from tracker.store.defaults import FLAG_NEVER, utcnow
from tracker.store.paper_state import StateWrites, plan_state, stored_state, write_state
from tracker.store.rollup import ROLLUP_COLUMNS, PaperRollup
from tracker.store.schema import Acknowledgement, Paper
from tracker.store.schema import Finding as FindingRow

_KEPT = (Outcome.TRUE, Outcome.ERROR)
FINDING_CONTENT = ("outcome", "severity", "message", "evidence", "measure", "dated")
"""The finding columns a judgement writes besides its identity (paper, code, subject)."""
_INSERTED = ("paper_id", "code", "subject", *FINDING_CONTENT)


@quick_init
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


class StoredFlags(NamedTuple):
    """`PaperFlags` as they are stored: the kept answers with their column values, and the
    state columns, in plain tuples. What a flag run's worker processes hand back to the saving
    process: pickling these costs a fraction of pickling `PaperFlags` (no dataclass per probe
    answer, no answer that is not stored), and the saving process no longer encodes evidence."""

    paper_id: int
    findings: tuple[tuple[Any, ...], ...]
    """Per kept answer (TRUE or ERROR): code, subject, then the `FINDING_CONTENT` values."""
    verdict: tuple[Any, ...]
    """The `VERDICT_COLUMNS` values: verdict, verdict_kind, flags, acknowledged."""
    state: tuple[Any, ...]
    """The `ROLLUP_COLUMNS` values, then release_days and flag_due (`STATE_COLUMNS`)."""

    @property
    def verdict_kind(self) -> str:
        return str(self.verdict[1])

    @property
    def flags(self) -> str:
        return str(self.verdict[2])

    @property
    def checked(self) -> tuple[str | None, str | None]:
        """The rolled-up checked repository and its license."""
        return self.state[_CHECKED_REPO], self.state[_CHECKED_LICENSE]


_rolled_up = attrgetter(*ROLLUP_COLUMNS)
_CHECKED_REPO = ROLLUP_COLUMNS.index("checked_repo")
_CHECKED_LICENSE = ROLLUP_COLUMNS.index("checked_license")


def evidence_json(evidence: tuple[str, ...]) -> str:
    """`json.dumps(list(evidence), ensure_ascii=False)`: each line as `json` quotes a string
    (its own C function), without building an encoder for every finding."""
    return "[" + ", ".join(map(encode_basestring, evidence)) + "]"


def _values(f: Finding) -> tuple[Any, ...]:
    """A finding's `FINDING_CONTENT` values as stored."""
    return (
        f.outcome.value,
        f.severity.value,
        f.message,
        evidence_json(f.evidence),
        f.measure,
        f.dated,
    )


def stored_form(b: PaperFlags, paper_id: int) -> StoredFlags:
    """What `save_stored` writes for `b`, the judgement of the paper with this id."""
    return StoredFlags(
        paper_id,
        tuple([(f.code, f.subject, *_values(f)) for f in b.findings if f.outcome in _KEPT]),
        (b.verdict, b.verdict_kind, b.flags, b.acknowledged),
        (*_rolled_up(b.rollup), b.release_days, b.due),
    )


def save_stored(conn: Connection, batch: Sequence[StoredFlags]) -> int:
    """Store the answers and verdicts of `batch` in the caller's transaction (a paper deleted
    since it was judged is left out); returns how many finding rows were inserted, updated or
    deleted."""
    planned = plan_writes(conn, batch, utcnow())
    assert planned is not None  # numbering codes, every value has one
    return write_planned(conn, planned)


@dataclass(slots=True)
class Writes:
    """What storing a batch's judgements writes, worked out from the rows stored before
    (`plan_writes`): plain values, so a worker process can hand it to the saving one."""

    now: dt.datetime
    """When the judgements were made: the finding rows' and `flagged_at`'s time."""
    inserts: list[tuple[Any, ...]]
    """New finding rows: paper id, code, subject, then `FINDING_CONTENT`."""
    updates: list[dict[str, Any]]
    """Changed finding rows: `fid`, the `FINDING_CONTENT` columns and `updated_at`."""
    gone: list[int]
    """Ids of finding rows no longer true."""
    state: StateWrites

    @property
    def rows(self) -> int:
        """Finding rows inserted, updated or deleted."""
        return len(self.inserts) + len(self.updates) + len(self.gone)


def plan_writes(
    conn: Connection,
    batch: Sequence[StoredFlags],
    now: dt.datetime,
    *,
    numbering: bool = True,
    due_written: bool = False,
) -> Writes | None:
    """What `save_stored` writes for `batch`, read from the stored rows but not written
    (`write_planned` writes it). Without `numbering`, a plan that numbers no new summary code
    (`tracker.store.paper_state.plan_state`): None when one is needed; `due_written` as
    there."""
    papers = stored_state(conn, [b.paper_id for b in batch])
    have = {
        (r[1], r[2], r[3]): (r[0], tuple(r[4:]))
        for r in _stored_findings(conn).rows(conn, list(papers))
    }
    stored = _stored_content(conn.dialect)
    wanted: set[tuple[int, str, str]] = set()
    inserts: list[tuple[Any, ...]] = []
    updates: list[dict[str, Any]] = []
    for b in batch:
        if b.paper_id not in papers:
            continue
        pid = b.paper_id
        for code, subject, *content in b.findings:
            ident = (pid, code, subject)
            wanted.add(ident)
            old = have.get(ident)
            if old is None:
                inserts.append((pid, code, subject, *content))
            elif old[1] != tuple(content) and old[1] != stored(content):
                updates.append(
                    {
                        "fid": old[0],
                        **dict(zip(FINDING_CONTENT, content, strict=True)),
                        "updated_at": now,
                    }
                )
    gone = [old[0] for ident, old in have.items() if ident not in wanted]
    state = plan_state(conn, batch, papers, now, numbering=numbering, due_written=due_written)
    return None if state is None else Writes(now, inserts, updates, gone, state)


def write_planned(conn: Connection, planned: Writes) -> int:
    """Write what `plan_writes` worked out, in the caller's transaction; returns how many
    finding rows were inserted, updated or deleted."""
    fr, now = FindingRow, planned.now
    if planned.inserts:
        BulkInsert(conn, fr, _INSERTED, ("first_seen_at", "updated_at")).run(
            conn, planned.inserts, first_seen_at=now, updated_at=now
        )
    if planned.updates:
        conn.execute(update(fr).where(fr.c.id == bindparam("fid")), planned.updates)
    if planned.gone:
        conn.execute(delete(fr).where(fr.c.id.in_(planned.gone)))
    write_state(conn, planned.state)
    return planned.rows


def _stored_findings(conn: Connection) -> InList:
    """The finding rows of paper ids: id, paper_id, code, subject, then `FINDING_CONTENT`."""
    q = conn.dialect.identifier_preparer.quote
    cols = ", ".join(q(c) for c in ("id", "paper_id", "code", "subject", *FINDING_CONTENT))
    return InList(conn, f"SELECT {cols} FROM {q(FindingRow.name)}", "paper_id")


def _stored_content(dialect: Dialect) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A finding's `FINDING_CONTENT` values as the driver gives the stored ones back (SQLite:
    a date as its text), to compare with `_stored_findings`' rows. Values equal as they are
    need no converting: a value with a converter (a date) equals its stored form only when
    both are empty."""
    procs = [
        (i, memoized(proc))
        for i, c in enumerate(FINDING_CONTENT)
        if (proc := FindingRow.c[c].type.dialect_impl(dialect).bind_processor(dialect))
    ]

    def stored(content: list[Any]) -> tuple[Any, ...]:
        for i, proc in procs:
            if content[i] is not None:
                content = [*content[:i], proc(content[i]), *content[i + 1 :]]
        return tuple(content)

    return stored


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


__all__ = [
    "FINDING_CONTENT",
    "PaperFlags",
    "StoredFlags",
    "Writes",
    "ack_notes",
    "delete_ack",
    "paper_id",
    "plan_writes",
    "save_ack",
    "save_stored",
    "stored_form",
    "write_planned",
]
