"""Read-side queries: stored rows to the value types reports consume."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from tracker.store.tables import Link, Paper, Repository


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts per table, for summaries and for proving a rerun added nothing."""
    tables = {"papers": Paper, "links": Link, "repositories": Repository}
    return {
        name: int(conn.execute(select(func.count()).select_from(t.__table__)).scalar_one())  # type: ignore[attr-defined]
        for name, t in tables.items()
    }
