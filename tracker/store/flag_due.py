"""Which papers a flag run judges, and what the stored judgements were made under.

Triggers (`db/versions/0010` and `0011`) record every change of what the probes read: a new
paper, its own inputs, links and acknowledgements move its `paper_state.flag_due` to
`FLAG_NOW`; a repository, alias or Hub model adds a row to `flag_queue`. A flag run first
spreads the queue to the papers linking each queued thing (`spread_queue`, through the link
and alias indexes), then judges the papers whose `flag_due` is today or earlier (`due_ids`,
a range of `ix_paper_state_flag_due`) and stores each judgement with the first day it may read
differently.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    union,
    update,
)

from tracker.flags.weights import hub_ref_of_url
from tracker.store.defaults import FLAG_NOW
from tracker.store.facts import HUB_LINK_KINDS, PAPER_FACT_COLUMNS, hub_keys_named, paper_rows
from tracker.store.schema import (
    Acknowledgement,
    Finding,
    FlagQueue,
    FlagState,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
)

QUEUE_BATCH = 500


def _mark(conn: Connection, papers: Any) -> int:
    """Set `flag_due` to now for the papers the `papers` subquery selects."""
    s = PaperState
    done = conn.execute(
        update(s)
        .where(s.c.paper_id.in_(papers), s.c.flag_due != FLAG_NOW)
        .values(flag_due=FLAG_NOW)
    )
    return int(done.rowcount or 0)


def _papers_of_repos(keys: Sequence[str]) -> Any:
    """Papers linking a repository by one of `keys`, or by another name of the same one."""
    lk, a, r = Link, RepoAlias, Repository
    direct = select(lk.c.paper_id).where(lk.c.repo_key.in_(keys))
    renamed = (
        select(lk.c.paper_id)
        .join(a, a.c.alias == lk.c.repo_key)
        .join(r, r.c.id == a.c.repository_id)
        .where(r.c.key.in_(keys))
    )
    return union(direct, renamed)


def _hub_referrers(conn: Connection, keys: set[str]) -> tuple[list[str], list[int]]:
    """Repositories whose weights evidence names one of these Hub keys, and papers linking one
    of them directly (their URLs read as the facts read them)."""
    r, lk = Repository, Link
    repos = [
        key
        for key, text in conn.execute(
            select(r.c.key, r.c.weights_evidence).where(r.c.weights_evidence.like("%Hub %"))
        )
        if keys.intersection(hub_keys_named([x for x in (text or "").split("\n") if x]))
    ]
    papers = [
        pid
        for pid, url in conn.execute(
            select(lk.c.paper_id, lk.c.url).where(lk.c.kind.in_(HUB_LINK_KINDS))
        )
        if (ref := hub_ref_of_url(url)) and ref.lower() in keys
    ]
    return repos, papers


def every_paper_due(conn: Connection, today: dt.date) -> bool:
    """Whether a run judging the papers due by `today` judges every paper: none is judged
    until a later day (a range of `ix_paper_state_flag_due`). True after ingest, before a
    first judgement."""
    s = PaperState
    later = select(s.c.paper_id).where(s.c.flag_due > today).limit(1)
    return conn.execute(later).first() is None


def clear_queue(conn: Connection) -> int:
    """Empty `flag_queue` without spreading it (committed here), for a run that judges every
    paper anyway: marking them due would change nothing. A row another writer adds meanwhile
    stays for the next run. Returns how many rows were removed."""
    done = conn.execute(delete(FlagQueue))
    conn.commit()
    return int(done.rowcount or 0)


def spread_queue(
    conn: Connection, batch: int = QUEUE_BATCH, *, commit_after: float | None = None
) -> int:
    """Mark the papers that link what `flag_queue` holds, and empty it, `batch` rows at a
    time, in the caller's transaction: a flag run commits the marks with its first
    judgements, so a state page they dirty is written once for both, and a run stopped
    before leaves the queue as it was. With `commit_after`, the marks so far are committed
    between batches once that many seconds have passed since the call or the last such
    commit, so that a large queue does not hold the write turn (SQLite) or the marked rows
    (PostgreSQL) long. Returns how many papers were marked."""
    q = FlagQueue
    marked = 0
    since = time.monotonic()
    while True:
        if commit_after is not None and time.monotonic() - since >= commit_after:
            conn.commit()
            since = time.monotonic()
        rows = list(
            conn.execute(select(q.c.kind, q.c.key).order_by(q.c.kind, q.c.key).limit(batch))
        )
        if not rows:
            return marked
        repos = [key for kind, key in rows if kind == "repo"]
        hubs = {key for kind, key in rows if kind == "hub"}
        if hubs:
            named, linking = _hub_referrers(conn, hubs)
            repos += named
            if linking:
                marked += _mark(conn, linking)
        for start in range(0, len(repos), batch):
            marked += _mark(conn, _papers_of_repos(repos[start : start + batch]))
        for kind in ("repo", "hub"):
            done = [key for k, key in rows if k == kind]
            if done:
                conn.execute(delete(q).where(q.c.kind == kind, q.c.key.in_(done)))


def due_ids(
    conn: Connection,
    today: dt.date | None,
    after: tuple[dt.date, int] | int,
    limit: int,
    keys: Sequence[str] | None = None,
) -> tuple[list[int], tuple[dt.date, int] | int]:
    """The ids of the next `limit` papers to judge, and the `after` of the batch that follows
    them; read from the index alone, locking nothing (`papers_by_id` reads and locks their
    rows). With `today`: papers due by then, after (`flag_due`, id) `after`, in that order.
    Without: every paper (or those with `keys`) after the id `after`."""
    p, s = Paper, PaperState
    if today is not None:
        assert isinstance(after, tuple)
        q = (
            select(s.c.flag_due, s.c.paper_id)
            .where(s.c.flag_due <= today, tuple_(s.c.flag_due, s.c.paper_id) > tuple_(*after))
            .order_by(s.c.flag_due, s.c.paper_id)
        )
        due = [(d, int(i)) for d, i in conn.execute(q.limit(limit))]
        return [i for _, i in due], (due[-1] if due else after)
    assert isinstance(after, int)
    by_id = select(p.c.id).where(p.c.id > after).order_by(p.c.id)
    if keys is not None:
        by_id = by_id.where(p.c.key.in_(list(keys)))
    ids = [int(i) for (i,) in conn.execute(by_id.limit(limit))]
    return ids, (ids[-1] if ids else after)


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def papers_by_id(conn: Connection, ids: Sequence[int], *, lock: bool = False) -> list[Any]:
    """The rows of these paper ids with the columns the facts need, in the order of `ids` (a
    paper deleted since is left out). With `lock`, locked until the caller's transaction ends
    (PostgreSQL), so a concurrent change of one waits and marks it due again after the
    judgement is stored. Read without a lock (a worker's read, and every read on SQLite)
    through `paper_rows`, without SQLAlchemy's statement and row building."""
    if not (lock and conn.dialect.name == "postgresql"):
        return paper_rows(conn, ids)
    p, s = Paper, PaperState
    q = (
        select(*(p.c[c] for c in PAPER_FACT_COLUMNS), s.c.flag_due)
        .select_from(p.join(s, s.c.paper_id == p.c.id))
        .where(p.c.id.in_(_IDS), *_state_range(ids))
    )
    q = q.with_for_update(of=[p, s])
    found = {m["id"]: m for m in conn.execute(q, {"ids": list(ids)}).mappings()}
    return [found[i] for i in ids if i in found]


def _state_range(ids: Sequence[int]) -> list[Any]:
    """`paper_state.paper_id` between the least and the greatest of `ids`: in a join of a batch
    of papers to their state, it lets PostgreSQL read that part of the state by index rather
    than all of it (see `tracker.store.bulk.InList`)."""
    return [PaperState.c.paper_id.between(min(ids), max(ids))] if ids else []


def change_stamp(conn: Connection) -> int | None:
    """SQLite: a number that moves whenever another connection commits to the database
    (`PRAGMA data_version`; never for this connection's own commits). None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    return int(conn.execute(text("PRAGMA data_version")).scalar_one())


def row_versions(conn: Connection, ids: Sequence[int], *, lock: bool = False) -> object:
    """PostgreSQL: the versions (`xmin`) of the rows that belong to these papers and that a
    worker reads to judge them and to work out their writes (paper, state, links,
    acknowledgements, findings), equal for as long as no other transaction changed, added or
    removed one; with `lock`, the paper and state rows locked as `papers_by_id` locks them
    (finding rows are written only under the write lock, `lock_for_write`). None elsewhere:
    SQLite has one writer (`change_stamp`).

    Repositories and Hub answers are left out: a change of one waits in `flag_queue` for the
    next run, whenever it lands."""
    if conn.dialect.name != "postgresql":
        return None
    p, s, lk, a, f = Paper, PaperState, Link, Acknowledgement, Finding
    bound = {"ids": list(ids)}

    def xmin(table: Any) -> Any:
        return literal_column(f"{table.name}.xmin::text")

    own = (
        select(p.c.id, xmin(p), xmin(s))
        .select_from(p.join(s, s.c.paper_id == p.c.id))
        .where(p.c.id.in_(_IDS), *_state_range(ids))
        .order_by(p.c.id)
    )
    if lock:
        own = own.with_for_update(of=[p, s])
    side = [
        select(t.c.paper_id, t.c.id, xmin(t)).where(t.c.paper_id.in_(_IDS)).order_by(t.c.id)
        for t in (lk, a, f)
    ]
    return tuple(tuple(map(tuple, conn.execute(q, bound))) for q in (own, *side))


def count_due(conn: Connection, today: dt.date | None, keys: Sequence[str] | None = None) -> int:
    """How many papers `due_ids` lists from the start, as one count (for a progress bar)."""
    p, s = Paper, PaperState
    if today is not None:
        q = select(func.count()).select_from(s).where(s.c.flag_due <= today)
    else:
        q = select(func.count()).select_from(p)
        if keys is not None:
            q = q.where(p.c.key.in_(list(keys)))
    return int(conn.execute(q).scalar_one())


def may_be_due(conn: Connection, today: dt.date | None, n: int) -> bool:
    """Whether a run may judge at least `n` papers, told before `spread_queue` from what is
    due by `today` (stored, without it) and what `flag_queue` holds, each queued thing
    counted as one paper: a guess, for what a run prepares ahead. Reads at most `n` entries
    of `ix_paper_state_flag_due`, not a count of every due paper."""
    queued = int(conn.execute(select(func.count()).select_from(FlagQueue)).scalar_one())
    if queued >= n:
        return True
    s = PaperState
    q = select(s.c.paper_id)
    if today is not None:
        q = q.where(s.c.flag_due <= today).order_by(s.c.flag_due, s.c.paper_id)
    return conn.execute(q.offset(n - queued - 1).limit(1)).first() is not None


def load_state(conn: Connection) -> dict[str, str]:
    s = FlagState
    return {r.name: r.value for r in conn.execute(select(s.c.name, s.c.value))}


def save_state(conn: Connection, values: dict[str, str]) -> None:
    """Record what the judgements were made under (idempotent)."""
    s = FlagState
    have = load_state(conn)
    for name, value in values.items():
        if name not in have:
            conn.execute(insert(s).values(name=name, value=value))
        elif have[name] != value:
            conn.execute(update(s).where(s.c.name == name).values(value=value))


def totals(conn: Connection) -> tuple[int, dict[str, int], dict[str, int]]:
    """Papers, papers per verdict kind and papers per flag raised and not acknowledged (the
    `flags` of each state row, as a report's summary counts them), over the whole database:
    one pass over `ix_paper_state_selection`, grouped by its leading columns so the groups
    come in its order (grouping by verdict and flags alone would sort every row first)."""
    s = PaperState
    papers = 0
    verdicts: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    by = (s.c.verdict_kind, s.c.code_status, s.c.flags)
    for kind, _, flags, n in conn.execute(select(*by, func.count()).group_by(*by)):
        papers += n
        if kind:
            verdicts[kind] += n
        for code in (flags or "").split():
            flagged[code] += n
    return papers, dict(verdicts), dict(flagged)


__all__ = [
    "change_stamp",
    "clear_queue",
    "due_ids",
    "every_paper_due",
    "load_state",
    "may_be_due",
    "papers_by_id",
    "row_versions",
    "save_state",
    "spread_queue",
    "totals",
]
