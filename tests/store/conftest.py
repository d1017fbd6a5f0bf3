"""Shard databases built through the real store: papers saved, checks recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, select

from tests.factories import paper
from tracker.models import (
    CheckResult,
    RepoFacts,
    RepoStatus,
)
from tracker.store import open_db, save_papers
from tracker.store.repos import save_check_results
from tracker.store.schema import Link as LinkRow
from tracker.store.schema import Paper, RepoHistory, Repository


def ok(name: str, stars: int, when: dt.datetime) -> CheckResult:
    facts = RepoFacts(full_name=name, stars=stars, source_files=3, license_spdx="MIT")
    return CheckResult(
        target=name, status=RepoStatus.OK, http_status=200, facts=facts, checked_at=when
    )


def shard_db(url: str, repos: Sequence[str], checks: Sequence[CheckResult]) -> Engine:
    """A database with one paper per repository and the given checks saved one by one."""
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, r) for i, r in enumerate(repos)])
    for c in checks:
        with engine.begin() as conn:
            save_check_results(conn, [c])
    return engine


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def repo_facts(conn: Connection) -> dict[str, tuple[int | None, str]]:
    r = Repository
    return {row.key: (row.stars, row.status) for row in conn.execute(select(r))}


def history(conn: Connection) -> dict[str, list[tuple[dt.datetime, int | None]]]:
    r, h = Repository, RepoHistory
    q = select(r.c.key, h.c.observed_at, h.c.stars).join(r, r.c.id == h.c.repository_id)
    out: dict[str, list[tuple[dt.datetime, int | None]]] = {}
    for row in conn.execute(q.order_by(r.c.key, h.c.observed_at)):
        out.setdefault(row.key, []).append((_utc(row.observed_at), row.stars))
    return out


def papers_and_links(conn: Connection) -> set[tuple[str, str]]:
    p, lk = Paper, LinkRow
    return {tuple(r) for r in conn.execute(select(p.c.key, lk.c.url).join(lk))}
