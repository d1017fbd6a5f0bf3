"""search tables without column sizes: the SQLite search tables rebuilt with `columnsize=0`

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:05:00.000000

FTS5 keeps the size of every column of every row only for ranking (`bm25`), which the search
never asks for (`tracker.store.search` answers whether a row contains a phrase): writing those
sizes cost each inserted paper and link a row in a shadow table. The tables are rebuilt from
the stored rows, with the same triggers; PostgreSQL, and an SQLite without the search tables,
are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"paper": ("id", ("title", "key")), "link": ("id", ("url",))}
"""Table -> (row id, searched columns), as migration 0002 made them."""


def _has_search(bind: sa.Connection) -> bool:
    names = [f"{table}_search" for table in SEARCHED]
    marks = ", ".join("?" for _ in names)
    q = f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})"
    return bind.exec_driver_sql(q, tuple(names)).scalar() == len(names)


def _rebuild(bind: sa.Connection, options: str) -> None:
    """Drop and create the search tables with `options`, fill them from the stored rows and
    keep them in step with triggers (the statements of migration 0002)."""
    for table, (rid, cols) in SEARCHED.items():
        name = f"{table}_search"
        listed = ", ".join(cols)
        new = ", ".join(f"lower(new.{c})" for c in cols)
        old = ", ".join(f"lower(old.{c})" for c in cols)
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in (rid, *cols))
        put = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.{rid}, {new});"
        drop = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.{rid}, {old});"
        for event in ("insert", "delete", "update"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}_{event}")
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        for sql in (
            f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='', "
            f"tokenize='trigram case_sensitive 1', detail='full'{options})",
            f"INSERT INTO {name}(rowid, {listed}) "
            f"SELECT {rid}, {', '.join(f'lower({c})' for c in cols)} FROM {table}",
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {put} END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {drop} END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {rid}, {listed} ON {table} "
            f"WHEN {changed} BEGIN {drop} {put} END",
        ):
            bind.exec_driver_sql(sql)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and _has_search(bind):
        _rebuild(bind, ", columnsize=0")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and _has_search(bind):
        _rebuild(bind, "")
