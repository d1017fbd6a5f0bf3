"""Reading stored repository evidence that needs judging, and saving the judgements.

A judgement is derived state: it is written to the repository's verdict columns (placeholder,
weights, licenses, kind) by the flag run, and a change of placeholder or weights earns a history
row dated when the evidence was read, so `tracker diff` reports "weights released" or "weights
removed" on the day the check saw it. An evidence row is judged again only when its digest or
the rules version changed; judging twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from tracker.models import ReleaseAsset, RepoEvidence
from tracker.store.locks import lock_for_write
from tracker.store.repos import TRACKED
from tracker.store.schema import RepoEvidence as _E
from tracker.store.schema import RepoHistory, Repository

_R = Repository
_H = RepoHistory
BATCH = 500


@dataclass(frozen=True, slots=True)
class Pending:
    """One repository whose evidence awaits judgement."""

    repository_id: int
    evidence: RepoEvidence
    judged: str
    """The `digest:version` to store once judged."""
    fetched_at: Any


def _assets(text: str | None) -> tuple[ReleaseAsset, ...]:
    try:
        items = json.loads(text or "[]")
        return tuple(ReleaseAsset(str(a["name"]), int(a["size"]), 0) for a in items)
    except (ValueError, TypeError, KeyError):
        return ()


def _files(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(x for x in (text or "").split("\n") if x)


def pending_judgements(
    conn: Connection, version: str, *, everything: bool = False, batch: int = BATCH
) -> Iterator[list[Pending]]:
    """Batches of evidence whose judgement is missing or stale (all of it with `everything`)."""
    cols = [
        _E.c.id,
        _E.c.repository_id,
        _E.c.fetched_at,
        _E.c.empty,
        _E.c.readme_text,
        _E.c.tree,
        _E.c.lfs_patterns,
        _E.c.files,
        _E.c.digest,
        _R.c.full_name,
        _R.c.topics,
        _R.c.assets_json,
    ]
    stale = _E.c.judged != _E.c.digest + ":" + version
    wanted = _E.c.id > 0 if everything else stale
    last = 0
    while True:
        q = (
            select(*cols)
            .join(_R, _R.c.id == _E.c.repository_id)
            .where(and_(_E.c.id > last, wanted))
            .order_by(_E.c.id)
            .limit(batch)
        )
        rows = list(conn.execute(q).mappings())
        if not rows:
            return
        yield [
            Pending(
                m["repository_id"],
                RepoEvidence(
                    full_name=m["full_name"],
                    readme=m["readme_text"] or "",
                    paths=_lines(m["tree"]),
                    lfs_patterns=_lines(m["lfs_patterns"]),
                    assets=_assets(m["assets_json"]),
                    files=_files(m["files"]),
                    topics=tuple(t for t in (m["topics"] or "").split(",") if t),
                    empty=bool(m["empty"]),
                ),
                f"{m['digest']}:{version}",
                m["fetched_at"],
            )
            for m in rows
        ]
        last = rows[-1]["id"]


def save_judgements(conn: Connection, judged: Sequence[tuple[Pending, dict[str, Any]]]) -> int:
    """Write each judgement (the repository columns `tracker.flags.judge.columns` gives);
    returns how many changed placeholder or weights (each with a history row)."""
    if not judged:
        return 0
    lock_for_write(conn)
    ids = [p.repository_id for p, _ in judged]
    old = {m["id"]: dict(m) for m in conn.execute(select(_R).where(_R.c.id.in_(ids))).mappings()}
    changed = 0
    for p, values in judged:
        before = old.get(p.repository_id)
        if before is None:
            continue
        conn.execute(update(_R).where(_R.c.id == p.repository_id).values(**values))
        conn.execute(
            update(_E).where(_E.c.repository_id == p.repository_id).values(judged=p.judged)
        )
        moved = [k for k in ("placeholder", "has_weights") if before.get(k) != values[k]]
        if moved:
            changed += 1
            _history(conn, p, {**before, **values})
    return changed


def _history(conn: Connection, p: Pending, row: dict[str, Any]) -> None:
    """Record the new verdicts at the time their evidence was read (one row per instant)."""
    same = and_(_H.c.repository_id == p.repository_id, _H.c.observed_at == p.fetched_at)
    tracked = {k: row.get(k) for k in TRACKED}
    if conn.execute(select(_H.c.id).where(same)).first() is not None:
        conn.execute(
            update(_H)
            .where(same)
            .values(placeholder=tracked["placeholder"], has_weights=tracked["has_weights"])
        )
        return
    conn.execute(
        insert(_H).values(repository_id=p.repository_id, observed_at=p.fetched_at, **tracked)
    )
