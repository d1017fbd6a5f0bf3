"""Derived state of papers (`paper_state`): the one step that writes it.

A flag run judges papers from what was read and stores, per paper, its verdict, the links
rolled up for exports, the summary codes and the day to judge it again. That state lives in
`paper_state`, one row per paper, and `refresh_paper_state` is the only code that writes it:
an idempotent upsert that leaves a row alone when nothing in it would change (so a rerun over
unchanged facts writes nothing) and gives a paper without a row one.

The database does the rest of the bookkeeping itself (triggers, `db/versions/0011`), for every
writer of papers: a new paper gets a row that reads as not flagged yet and due now, a change of
what the probes read makes it due again and rewrites the state's copies of the paper's date and
statuses (the covering indexes need them), emptying `tally_code` when the code status changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update

from tracker.store.codes import CODE_COLUMNS, LICENSE, TALLY, code_ids, repo_ids, tally_value
from tracker.store.rollup import ROLLUP_COLUMNS
from tracker.store.schema import Paper
from tracker.store.schema import PaperState as S

if TYPE_CHECKING:
    from tracker.store.findings import PaperFlags

COPIED = ("published", "code_status", "weights_status")
"""Paper columns the state keeps a copy of, for its covering indexes (kept by triggers)."""
VERDICT_COLUMNS = ("verdict", "verdict_kind", "flags", "acknowledged")
STORED_COLUMNS = (
    *VERDICT_COLUMNS,
    *ROLLUP_COLUMNS,
    "release_days",
    *CODE_COLUMNS,
    "flag_due",
)
"""The state columns a flag run writes (`flagged_at` besides, when the verdict moves)."""


def stored_state(conn: Connection, keys: Sequence[str]) -> dict[str, Any]:
    """Per paper key: its id, code status and stored state (None for a paper with no row)."""
    p = Paper
    q = (
        select(p.c.id, p.c.key, p.c.code_status, S.c.paper_id, *(S.c[c] for c in STORED_COLUMNS))
        .select_from(p.outerjoin(S, S.c.paper_id == p.c.id))
        .where(p.c.key.in_(list(keys)))
    )
    return {r.key: r for r in conn.execute(q)}


def refresh_paper_state(
    conn: Connection, batch: Sequence[PaperFlags], papers: dict[str, Any], now: object
) -> None:
    """Write the judgements of `batch` (papers: `stored_state` of their keys): verdicts,
    rolled-up links and their codes (`tracker.store.codes`) that differ from the stored ones;
    `flagged_at` moves only with the verdict or flags (star counts change on every check)."""
    mine = [b for b in batch if b.paper_key in papers]

    def tally(b: PaperFlags) -> str:
        return tally_value(b.verdict_kind, papers[b.paper_key].code_status, b.flags)

    tallies = code_ids(conn, TALLY, map(tally, mine))
    checked = [
        (r.checked_repo, r.checked_license)
        for r in (b.rollup for b in mine)
        if r.checked_repo and r.checked_license
    ]
    licenses = code_ids(conn, LICENSE, (lic for _, lic in checked))
    repos = repo_ids(conn, (repo for repo, _ in checked))
    flagged, rolled, missing = [], [], []
    for b in mine:
        row = papers[b.paper_key]
        verdict = {c: getattr(b, c) for c in VERDICT_COLUMNS}
        rollup: dict[str, object] = {c: getattr(b.rollup, c) for c in ROLLUP_COLUMNS}
        rollup["release_days"] = b.release_days
        rollup["flag_due"] = b.due
        repo, lic = b.rollup.checked_repo, b.rollup.checked_license
        rid = repos.get(repo) if repo and lic else None
        rollup["tally_code"] = tallies[tally(b)]
        rollup["checked_repo_id"] = rid
        rollup["license_code"] = licenses[lic] if rid is not None and lic else None
        if row.paper_id is None:
            missing.append({"paper_id": row.id, **verdict, **rollup, "flagged_at": now})
        elif any(getattr(row, c) != v for c, v in verdict.items()):
            flagged.append({"pid": row.id, **verdict, **rollup, "flagged_at": now})
        elif any(getattr(row, c) != v for c, v in rollup.items()):
            rolled.append({"pid": row.id, **rollup})
    for changed in (flagged, rolled):
        if changed:
            conn.execute(update(S).where(S.c.paper_id == bindparam("pid")), changed)
    if missing:
        _insert_missing(conn, missing)


def _insert_missing(conn: Connection, rows: list[dict[str, object]]) -> None:
    """State rows for papers that have none (a row deleted by hand), with the paper's copies."""
    p = Paper
    ids = [r["paper_id"] for r in rows]
    copies = {
        r.id: {c: r[i + 1] for i, c in enumerate(COPIED)}
        for r in conn.execute(select(p.c.id, *(p.c[c] for c in COPIED)).where(p.c.id.in_(ids)))
    }
    conn.execute(insert(S), [{**r, **copies[r["paper_id"]]} for r in rows])


__all__ = ["COPIED", "STORED_COLUMNS", "S", "refresh_paper_state", "stored_state"]
