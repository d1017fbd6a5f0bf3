"""Read-side queries: stored rows to the value types reports consume."""

from __future__ import annotations

from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from tracker.store.tables import Link, Paper, Repository, table_of


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts per table, for summaries and for proving a rerun added nothing."""
    tables: dict[str, type[SQLModel]] = {"papers": Paper, "links": Link, "repositories": Repository}
    return {
        name: int(conn.execute(select(func.count()).select_from(table_of(t))).scalar_one())
        for name, t in tables.items()
    }
