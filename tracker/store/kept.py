"""Kept promises: the one definition behind every "kept" that a summary, a chart or `tracker
diff` shows.

A paper kept its promise when it claimed code (released or promised) and its code was found
delivered: its verdict is `available` or `weights_missing`, the kinds given exactly when the
`code_delivered` probe is true (`tracker.flags.verdict`).

When it was kept is known only when the tracker watched it happen: the repository the
`code_delivered` finding names was checked without code before it was first seen with code.
A repository that held code the first time it was checked says the promise was kept by then,
not when; such a promise is kept with no date (`KeptPromise.kept_at` is None). The HTML chart
shows those apart from the months, and `tracker diff` reports only dated ones, so the summary's
count is the chart's total and `diff` over any window lists the chart's promises of that window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select, union

from tracker.models import KeptPromise, Outcome, ReportFilter
from tracker.store.facts import _utc
from tracker.store.selection import AL, CLAIMS, F, H, L, P, R, S, _mode, _where

DELIVERED_KINDS = frozenset({"available", "weights_missing"})
"""Verdict kinds given exactly when `code_delivered` is true (see `tracker.flags.verdict`)."""


def is_kept(verdict_kind: str | None, code_status: str | None) -> bool:
    """The rule, for counts grouped by verdict kind and code status (`report_summary`)."""
    return verdict_kind in DELIVERED_KINDS and code_status in CLAIMS


def kept_clause() -> Any:
    """The rule as a condition on `paper_state` rows (`kept_promises`); `is_kept` in SQL."""
    return and_(S.c.verdict_kind.in_(sorted(DELIVERED_KINDS)), S.c.code_status.in_(CLAIMS))


def _query(flt: ReportFilter | None, since: dt.datetime | None, conn: Connection) -> Any:
    renamed = R.alias("renamed")
    repo_id = func.coalesce(R.c.id, renamed.c.id)
    first_ok = func.coalesce(R.c.first_ok_at, renamed.c.first_ok_at)
    name = func.coalesce(
        func.nullif(R.c.full_name, ""), R.c.key, func.nullif(renamed.c.full_name, ""), renamed.c.key
    )
    watched = exists().where(H.c.repository_id == repo_id, H.c.observed_at < first_ok)
    delivered = and_(
        F.c.paper_id == P.c.id,
        F.c.code == "code_delivered",
        F.c.outcome == Outcome.TRUE.value,
    )
    conds = [kept_clause()]
    if flt is not None:
        conds += _where(flt, _mode(conn))
    if since is not None:
        # the few papers linking a repository first seen with code since then, found from the
        # repository table (as `diff` did before) rather than by joining every kept promise
        fresh = select(R.c.id).where(R.c.first_ok_at >= since)
        named = union(
            select(R.c.key).where(R.c.id.in_(fresh)),
            select(AL.c.alias).where(AL.c.repository_id.in_(fresh)),
        )
        linking = select(L.c.paper_id).where(L.c.repo_key.in_(named))
        conds += [P.c.id.in_(linking), first_ok >= since, watched]
    return (
        select(P.c.key, P.c.title, func.coalesce(name, F.c.subject), first_ok, watched)
        .select_from(
            P.join(S, S.c.paper_id == P.c.id)
            .join(F, delivered)
            .outerjoin(L, and_(L.c.paper_id == P.c.id, L.c.url == F.c.subject))
            .outerjoin(R, R.c.key == L.c.repo_key)
            .outerjoin(AL, and_(R.c.id.is_(None), AL.c.alias == L.c.repo_key))
            .outerjoin(renamed, renamed.c.id == AL.c.repository_id)
        )
        .where(*conds)
        .order_by(P.c.id)
    )


def kept_promises(
    conn: Connection, flt: ReportFilter | None = None, *, since: dt.datetime | None = None
) -> list[KeptPromise]:
    """The kept promises of the papers `flt` selects (every paper when None), in paper order;
    with `since`, only those the tracker saw kept at or after it."""
    out = []
    for key, title, repo, first_ok, watched in conn.execute(_query(flt, since, conn)):
        when = _utc(first_ok) if watched else None
        out.append(KeptPromise(paper_key=key, title=title, repository=repo or "", kept_at=when))
    return out
