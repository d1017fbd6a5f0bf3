"""Derived state of papers (`paper_state`): the one step that writes it.

A flag run judges papers from what was read and stores, per paper, its verdict, the links
rolled up for exports, the summary codes and the day to judge it again. That state lives in
`paper_state`, one row per paper, and `write_state` is the only code that writes it (what
`plan_state` worked out): an idempotent upsert that leaves a row alone when nothing in it would change (so a rerun over
unchanged facts writes nothing) and gives a paper without a row one.

The database does the rest of the bookkeeping itself (triggers, `db/versions/0011`), for every
writer of papers: a new paper gets a row that reads as not flagged yet and due now, a change of
what the probes read makes it due again and rewrites the state's copies of the paper's date and
statuses (the covering indexes need them), emptying `tally_code` when the code status changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter, ne
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Dialect, insert, select

from tracker.store.bulk import BulkUpdate, InList, StagedUpdate, memoized
from tracker.store.codes import CODE_COLUMNS, LICENSE, TALLY, code_ids, repo_ids, tally_value
from tracker.store.rollup import ROLLUP_COLUMNS
from tracker.store.schema import Paper
from tracker.store.schema import PaperState as S

if TYPE_CHECKING:
    from tracker.store.findings import StoredFlags

COPIED = ("published", "code_status", "weights_status")
"""Paper columns the state keeps a copy of, for its covering indexes (kept by triggers)."""
VERDICT_COLUMNS = ("verdict", "verdict_kind", "flags", "acknowledged")
STATE_COLUMNS = (*ROLLUP_COLUMNS, "release_days", "flag_due")
"""The state columns a judgement gives besides its verdict (`StoredFlags.state`)."""
STORED_COLUMNS = (*VERDICT_COLUMNS, *STATE_COLUMNS, *CODE_COLUMNS)
"""The state columns a flag run writes (`flagged_at` besides, when the verdict moves), in the
order `stored_state` reads them."""
_ID, _CODE_STATUS, _HAS_STATE = 0, 1, 2
"""Where `stored_state`'s rows hold the paper's id, its code status and the state's key."""
_VERDICT = slice(3, 3 + len(VERDICT_COLUMNS))
_STATE = slice(_VERDICT.stop, _VERDICT.stop + len(STATE_COLUMNS))
_CODES = slice(_STATE.stop, _STATE.stop + len(CODE_COLUMNS))


def stored_state(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    """Per id of a stored paper: its id, code status and stored state (None for a paper with
    no row), one plain row each, the stored values as the driver gives them
    (`stored_values`)."""
    q = conn.dialect.identifier_preparer.quote
    cols = ", ".join(f"s.{q(c)}" for c in ("paper_id", *STORED_COLUMNS))
    head = f"SELECT p.id, p.code_status, {cols} FROM {q(Paper.name)} AS p"
    state = f"{head} JOIN {q(S.name)} AS s ON s.paper_id = p.id"
    found = {r[0]: r for r in InList(conn, state, "p.id", ranged=["s.paper_id"]).rows(conn, ids)}
    if len(found) < len(ids):  # papers without a state row, or gone: read apart, it is rare
        alone = f"{head} LEFT OUTER JOIN {q(S.name)} AS s ON s.paper_id = p.id"
        rest = [i for i in ids if i not in found]
        found.update((r[0], r) for r in InList(conn, alone, "p.id").rows(conn, rest))
    return found


def stored_values(dialect: Dialect) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """`StoredFlags.state` as the driver gives the stored columns back (SQLite: a date as its
    text), to compare with `stored_state`'s rows without converting those."""
    procs = [
        (i, memoized(proc))
        for i, c in enumerate(STATE_COLUMNS)
        if (proc := S.c[c].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if not procs:
        return tuple

    def stored(state: tuple[Any, ...]) -> tuple[Any, ...]:
        cells = list(state)
        for i, proc in procs:
            if cells[i] is not None:
                cells[i] = proc(cells[i])
        return tuple(cells)

    return stored


@dataclass(slots=True)
class StateWrites:
    """What `write_state` writes (plain values, so a worker process can hand it over)."""

    changes: dict[tuple[int, ...], list[tuple[Any, ...]]] = field(default_factory=dict)
    """Per set of changed columns (positions in `_WRITTEN`): a row of their new values, then
    the paper id, for each paper whose state changed in just those."""
    missing: list[dict[str, Any]] = field(default_factory=list)
    """Whole rows for papers that have no state row."""


def plan_state(
    conn: Connection,
    batch: Sequence[StoredFlags],
    papers: dict[int, Any],
    now: object,
    *,
    numbering: bool = True,
    due_written: bool = False,
) -> StateWrites | None:
    """What storing the judgements of `batch` changes (papers: `stored_state` of their ids):
    the verdicts, rolled-up links and their codes (`tracker.store.codes`) that differ from the
    stored ones, each row's changed columns only; `flagged_at` moves only with the verdict or
    flags (star counts change on every check). `write_state` writes it. Without `numbering`
    no new code is numbered (the plan of a connection that only reads): None when a value has
    no code yet. With `due_written`, `flag_due` is written even where it equals the stored one:
    the connection that writes the plan may hold another (`tracker.flags.pool.Judging`)."""
    mine = [b for b in batch if b.paper_id in papers]
    texts = [tally_value(b.verdict_kind, papers[b.paper_id][_CODE_STATUS], b.flags) for b in mine]
    tallies = code_ids(conn, TALLY, texts, numbering=numbering)
    checked = [(repo, lic) for repo, lic in (b.checked for b in mine) if repo and lic]
    licenses = code_ids(conn, LICENSE, (lic for _, lic in checked), numbering=numbering)
    if not numbering and (
        not tallies.keys() >= set(texts) or not licenses.keys() >= {lic for _, lic in checked}
    ):
        return None
    repos = repo_ids(conn, (repo for repo, _ in checked))
    stored = stored_values(conn.dialect)
    changes: dict[tuple[int, ...], tuple[Callable[[tuple[Any, ...]], tuple[Any, ...]], list[Any]]]
    changes = {}
    missing: list[dict[str, Any]] = []
    for b, text in zip(mine, texts, strict=True):
        row = papers[b.paper_id]
        repo, lic = b.checked
        rid = repos.get(repo) if repo and lic else None
        codes = (tallies[text], rid, licenses[lic] if rid is not None and lic else None)
        if row[_HAS_STATE] is None:
            missing.append({"paper_id": row[_ID], **_named(b, codes), "flagged_at": now})
            continue
        new = (*stored(b.state), *codes, *b.verdict)
        old = row[_STATE] + row[_CODES] + row[_VERDICT]
        if new == old and not due_written:
            continue
        which = tuple(compress(_POSITIONS, map(ne, new, old)))
        if due_written and _DUE not in which:
            which = tuple(sorted((*which, _DUE)))
        if row[_VERDICT] != b.verdict:
            which += (_FLAGGED_AT,)
        values = (*b.state, *codes, *b.verdict, now)
        if which not in changes:
            changes[which] = (_picker(which), [])
        pick, rows = changes[which]
        rows.append((*pick(values), row[_ID]))
    return StateWrites({which: rows for which, (_, rows) in changes.items()}, missing)


def write_state(conn: Connection, planned: StateWrites) -> None:
    """Write what `plan_state` worked out."""
    _write(conn, planned.changes)
    if planned.missing:
        _insert_missing(conn, planned.missing)


_WRITTEN = (*STATE_COLUMNS, *CODE_COLUMNS, *VERDICT_COLUMNS, "flagged_at")
"""What a judgement may change in a state row, in the order `plan_state` compares
them (`flagged_at` last: it moves with the verdict columns only)."""
_POSITIONS = range(len(_WRITTEN) - 1)
_DUE = _WRITTEN.index("flag_due")
_FLAGGED_AT = len(_WRITTEN) - 1


def _write(conn: Connection, changes: dict[tuple[int, ...], list[tuple[Any, ...]]]) -> None:
    """Write the changed columns (`changes`: the positions in `_WRITTEN` that changed -> the
    rows with those values, then the paper id): on PostgreSQL through psycopg every row of the
    batch in one `UPDATE ... FROM` a staging table filled by COPY (one statement instead of a
    round trip per row), elsewhere one UPDATE per set of columns."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        staged = [
            (row[-1], dict(zip((_WRITTEN[i] for i in which), row[:-1], strict=True)))
            for which, rows in changes.items()
            for row in rows
        ]
        if staged:
            StagedUpdate(conn, S, _WRITTEN, "paper_id").run(
                conn.connection.driver_connection, staged
            )
        return
    for which, rows in changes.items():
        _update(conn.dialect, tuple(_WRITTEN[i] for i in which)).run(conn, rows)


def _picker(which: tuple[int, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The values at these positions, as a tuple (one position too)."""
    if len(which) == 1:
        (only,) = which
        return lambda values: (values[only],)
    return itemgetter(*which)


@lru_cache(maxsize=256)
def _update(dialect: Dialect, columns: tuple[str, ...]) -> BulkUpdate:
    """The UPDATE of these state columns, compiled once per dialect: a row is written with
    the columns that change only, so SQLite leaves alone the indexes of the others (a
    judgement that moved a star count rewrites `ix_paper_state_stars` and no covering index);
    a batch has a few such sets."""
    return BulkUpdate(dialect, S, columns, "paper_id")


def _named(b: StoredFlags, codes: tuple[Any, ...]) -> dict[str, Any]:
    """The state columns of `b` by name."""
    return {
        **dict(zip(VERDICT_COLUMNS, b.verdict, strict=True)),
        **dict(zip(STATE_COLUMNS, b.state, strict=True)),
        **dict(zip(CODE_COLUMNS, codes, strict=True)),
    }


def _insert_missing(conn: Connection, rows: list[dict[str, object]]) -> None:
    """State rows for papers that have none (a row deleted by hand), with the paper's copies."""
    p = Paper
    ids = [r["paper_id"] for r in rows]
    copies = {
        r.id: {c: r[i + 1] for i, c in enumerate(COPIED)}
        for r in conn.execute(select(p.c.id, *(p.c[c] for c in COPIED)).where(p.c.id.in_(ids)))
    }
    conn.execute(insert(S), [{**r, **copies[r["paper_id"]]} for r in rows])


__all__ = [
    "COPIED",
    "STATE_COLUMNS",
    "STORED_COLUMNS",
    "S",
    "StateWrites",
    "plan_state",
    "stored_state",
    "stored_values",
    "write_state",
]
