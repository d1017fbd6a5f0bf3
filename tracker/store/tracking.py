"""What the scheduled job reports outside the database: open flags and headline counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, exists, select, text

from tracker.models import OpenFlag, Outcome, Severity
from tracker.store.defaults import OPEN_PROMISE
from tracker.store.schema import (
    Acknowledgement,
    Finding,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
)

SEVERITY_ORDER = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH)


def severities_from(least: Severity) -> tuple[str, ...]:
    """`least` and every more severe level."""
    return tuple(s.value for s in SEVERITY_ORDER[SEVERITY_ORDER.index(least) :])


def open_flags(
    conn: Connection, *, codes: Sequence[str] = (), least: Severity = Severity.MEDIUM
) -> list[OpenFlag]:
    """True, unacknowledged findings (of `codes` if given, else of severity `least` or above),
    most severe first, then in paper order."""
    f, p, a = Finding, Paper, Acknowledgement
    acked = exists().where(and_(a.c.paper_id == f.c.paper_id, a.c.code == f.c.code))
    which = f.c.code.in_(list(codes)) if codes else f.c.severity.in_(severities_from(least))
    rank = {s.value: i for i, s in enumerate(reversed(SEVERITY_ORDER))}
    q = (
        select(
            p.c.key,
            p.c.title,
            p.c.arxiv_id,
            f.c.code,
            f.c.severity,
            f.c.message,
            f.c.subject,
            f.c.first_seen_at,
        )
        .join(p, p.c.id == f.c.paper_id)
        .where(f.c.outcome == Outcome.TRUE.value, ~acked, which)
        .order_by(p.c.id, f.c.code, f.c.subject)
    )
    flags = [
        OpenFlag(
            paper_key=r.key,
            title=r.title,
            arxiv_id=r.arxiv_id,
            code=r.code,
            severity=r.severity,
            message=r.message,
            subject=r.subject,
            since=r.first_seen_at.date() if r.first_seen_at else None,
        )
        for r in conn.execute(q)
    ]
    return sorted(flags, key=lambda fl: rank.get(fl.severity, len(rank)))


def open_promise_repos(conn: Connection) -> frozenset[str]:
    """Repositories of papers that promised code or weights and have not delivered yet: the
    checks most worth a scarce rate limit. Each by the name a paper links and, when that is
    an old name of a stored repository, by the repository's own key, which a plan lists it
    under."""
    s, lk, a, r = PaperState, Link, RepoAlias, Repository
    # literally the condition of `ix_paper_state_open_promise`, so the database reads it; as a
    # subquery, so SQLite starts from those papers instead of from every linked repository
    promised = select(s.c.paper_id).where(text(OPEN_PROMISE))
    names = (
        select(lk.c.repo_key.label("name"))
        .where(lk.c.paper_id.in_(promised), lk.c.repo_key.is_not(None))
        .distinct()
        .subquery()
    )
    # each linked name once, with the key of the repository it is an old name of (if any):
    # the papers and their links are read once
    q = (
        select(names.c.name, r.c.key)
        .select_from(names)
        .outerjoin(a, a.c.alias == names.c.name)
        .outerjoin(r, r.c.id == a.c.repository_id)
    )
    rows = conn.execute(q).all()
    found = {name for name, _ in rows}
    found.update(key for _, key in rows if key is not None)
    return frozenset(found)
