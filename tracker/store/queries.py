"""Read-side queries: stored rows to the value types reports consume."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, and_, func, select

from tracker.store.schema import Link, Paper, Repository
from tracker.store.schema import Link as _L
from tracker.store.schema import RepoAlias as _AL
from tracker.store.schema import Repository as _R


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts per table, for summaries and for proving a rerun added nothing."""
    tables: dict[str, Table] = {"papers": Paper, "links": Link, "repositories": Repository}
    return {
        name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for name, t in tables.items()
    }


def with_repositories(links: Any, renamed: str) -> tuple[Any, Any]:
    """`links` (the link table, or a join holding it) outer-joined to each link's repository by
    the name the link used, and, when no repository has that name, through `repo_alias` to the
    repository it was renamed to: `renamed` names that second repository table, returned with
    the join, so a query reads each fact as `coalesce(repository.x, renamed.x)`."""
    moved = _R.alias(renamed)
    joined = (
        links.outerjoin(_R, _R.c.key == _L.c.repo_key)
        .outerjoin(_AL, and_(_R.c.id.is_(None), _AL.c.alias == _L.c.repo_key))
        .outerjoin(moved, moved.c.id == _AL.c.repository_id)
    )
    return joined, moved
