"""Which papers a flag run judges, and what the stored judgements were made under.

Triggers (`db/versions/0010` and `0011`) record every change of what the probes read: a new
paper, its own inputs, links and acknowledgements move its `paper_state.flag_due` to
`FLAG_NOW`; a repository, alias or Hub model adds a row to `flag_queue`. A flag run first
spreads the queue to the papers linking each queued thing (`spread_queue`, through the link
and alias indexes), then judges the papers whose `flag_due` is today or earlier (`due_papers`,
a range of `ix_paper_state_flag_due`) and stores each judgement with the first day it may read
differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, tuple_, union, update

from tracker.flags.weights import hub_ref_of_url
from tracker.store.defaults import FLAG_NOW
from tracker.store.facts import HUB_LINK_KINDS, PAPER_FACT_COLUMNS, hub_keys_named
from tracker.store.schema import (
    Acknowledgement,
    FlagQueue,
    FlagState,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
)
from tracker.store.schema import Finding as FindingRow

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


def spread_queue(conn: Connection, batch: int = QUEUE_BATCH) -> int:
    """Mark the papers that link what `flag_queue` holds, emptying it one transaction per
    batch (the caller's connection; committed here). Returns how many papers were marked."""
    q = FlagQueue
    marked = 0
    while True:
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
        conn.commit()


def due_papers(
    conn: Connection,
    today: dt.date | None,
    after: tuple[dt.date, int] | int,
    limit: int,
    keys: Sequence[str] | None = None,
) -> list[Any]:
    """The next `limit` papers to judge, with the columns the facts need, locked until the
    caller's transaction ends (PostgreSQL), so a concurrent change of one waits and marks it
    again after the judgement is stored.

    With `today`: papers due by then, after (`flag_due`, id) `after`, in that order. Without:
    every paper (or those with `keys`) after the id `after`."""
    p, s = Paper, PaperState
    q = (
        select(*(p.c[c] for c in PAPER_FACT_COLUMNS), s.c.flag_due)
        .select_from(p.join(s, s.c.paper_id == p.c.id))
        .limit(limit)
    )
    if today is not None:
        assert isinstance(after, tuple)
        q = q.where(
            s.c.flag_due <= today, tuple_(s.c.flag_due, s.c.paper_id) > tuple_(*after)
        ).order_by(s.c.flag_due, s.c.paper_id)
    else:
        assert isinstance(after, int)
        q = q.where(p.c.id > after).order_by(p.c.id)
        if keys is not None:
            q = q.where(p.c.key.in_(list(keys)))
    if conn.dialect.name == "postgresql":  # a trigger writes the state row of a changed paper
        q = q.with_for_update(of=[p, s])
    return list(conn.execute(q).mappings())


def count_due(conn: Connection, today: dt.date | None, keys: Sequence[str] | None = None) -> int:
    """How many papers `due_papers` lists from the start, as one count (for a progress bar)."""
    p, s = Paper, PaperState
    if today is not None:
        q = select(func.count()).select_from(s).where(s.c.flag_due <= today)
    else:
        q = select(func.count()).select_from(p)
        if keys is not None:
            q = q.where(p.c.key.in_(list(keys)))
    return int(conn.execute(q).scalar_one())


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
    """Papers, papers per verdict kind and papers per true, unacknowledged probe code, over the
    whole database: index scans of `ix_paper_state_selection` and
    `ix_finding_code_outcome_paper`."""
    p, s = Paper, PaperState
    f, a = FindingRow, Acknowledgement
    verdicts = {
        kind: int(n)
        for kind, n in conn.execute(
            select(s.c.verdict_kind, func.count()).group_by(s.c.verdict_kind)
        )
        if kind
    }
    papers = int(conn.execute(select(func.count()).select_from(p)).scalar() or 0)
    true = f.c.outcome == "true"
    flagged = {
        code: int(n)
        for code, n in conn.execute(select(f.c.code, func.count()).where(true).group_by(f.c.code))
    }
    acked = (
        select(f.c.code, func.count())
        .join(a, (a.c.paper_id == f.c.paper_id) & (a.c.code == f.c.code))
        .where(true)
        .group_by(f.c.code)
    )
    for code, n in conn.execute(acked):
        flagged[code] -= int(n)
    return papers, verdicts, {c: n for c, n in flagged.items() if n}


__all__ = ["due_papers", "load_state", "save_state", "spread_queue", "totals"]
