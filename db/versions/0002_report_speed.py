"""report speed: license-mix roll-up, selection indexes, substring search indexes, four
redundant indexes dropped

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:37:42.916585

Backfills the new rolled-up columns from the links and repositories as the flag run computes
them, so a database whose roll-up was current stays current; the search tables (SQLite) and
trigram indexes (PostgreSQL) are filled from the stored rows. See `tracker.store.search`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {"paper": ("id", ("title", "key")), "link": ("id", ("url",))}
"""Table -> (row id, searched columns): `paper_search` and `link_search` on SQLite."""

REDUNDANT = (
    ("paper", "ix_paper_summary", ("verdict_kind", "code_status", "flags")),
    ("paper", "ix_paper_verdict_kind", ("verdict_kind",)),
    ("paper", "ix_paper_published", ("published",)),
    ("link", "ix_link_paper_id", ("paper_id",)),
)
"""Indexes of 0001 that a wider one now starts with (`ix_paper_selection`,
`ix_paper_published_summary`, `uq_link_paper_url`)."""

TRIGRAM = {
    "ix_paper_title_trgm": ("paper", "title"),
    "ix_paper_key_trgm": ("paper", "key"),
    "ix_link_url_trgm": ("link", "url"),
}


def _backfill(collate: str) -> None:
    """Each paper's checked repositories (`ok` or `moved`, found by the linked name or through
    an old one), as `tracker.store.rollup.rollup_links` computes them."""
    op.execute(
        f"""
        UPDATE paper SET
            checked_repo = c.repo,
            checked_repos = c.n,
            checked_license = (
                SELECT coalesce(nullif(r.license_spdx, ''), 'none')
                FROM repository r WHERE r.key = c.repo
            )
        FROM (
            SELECT l.paper_id AS pid,
                   min(coalesce(r.key, r2.key){collate}) AS repo,
                   count(DISTINCT coalesce(r.key, r2.key)) AS n
            FROM link l
            LEFT JOIN repository r ON r.key = l.repo_key
            LEFT JOIN repo_alias a ON r.id IS NULL AND a.alias = l.repo_key
            LEFT JOIN repository r2 ON r2.id = a.repository_id
            WHERE coalesce(r.status, r2.status) IN ('ok', 'moved')
            GROUP BY l.paper_id
        ) AS c
        WHERE paper.id = c.pid
        """
    )


def _sqlite_search(bind: sa.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 and later)."""
    version = tuple(
        int(x) for x in str(bind.exec_driver_sql("SELECT sqlite_version()").scalar()).split(".")
    )
    fts5 = bind.exec_driver_sql(
        "SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'"
    ).scalar()
    return version >= (3, 34) and bool(fts5)


def _create_search(bind: sa.Connection) -> None:
    """Contentless trigram tables of the ASCII-lower-cased text (what SQLite's `LIKE` folds),
    filled now and kept in step by triggers on every insert, update and delete."""
    for table, (rid, cols) in SEARCHED.items():
        name = f"{table}_search"
        listed = ", ".join(cols)
        new = ", ".join(f"lower(new.{c})" for c in cols)
        old = ", ".join(f"lower(old.{c})" for c in cols)
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in (rid, *cols))
        put = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.{rid}, {new});"
        drop = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.{rid}, {old});"
        for sql in (
            f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='', "
            "tokenize='trigram case_sensitive 1', detail='full')",
            f"INSERT INTO {name}(rowid, {listed}) "
            f"SELECT {rid}, {', '.join(f'lower({c})' for c in cols)} FROM {table}",
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {put} END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {drop} END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {rid}, {listed} ON {table} "
            f"WHEN {changed} BEGIN {drop} {put} END",
        ):
            bind.exec_driver_sql(sql)


def _create_trigram(bind: sa.Connection) -> None:
    """GIN trigram indexes serving `lower(column) LIKE '%text%'`, when pg_trgm can be had;
    without them the same query scans."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        return
    for name, (table, col) in TRIGRAM.items():
        bind.exec_driver_sql(
            f"CREATE INDEX {name} ON {table} USING gin (lower({col}) gin_trgm_ops)"
        )


def upgrade() -> None:
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checked_repo", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
        batch_op.add_column(
            sa.Column("checked_license", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("checked_repos", sa.Integer(), server_default="0", nullable=False)
        )
    bind = op.get_bind()
    _backfill(' COLLATE "C"' if bind.dialect.name == "postgresql" else "")
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.create_index(
            "ix_paper_license_mix",
            [
                "checked_license",
                "checked_repo",
                "published",
                "verdict_kind",
                "code_status",
                "flags",
                "stars",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_paper_selection",
            ["verdict_kind", "code_status", "flags", "release_days", "published", "stars"],
            unique=False,
        )
        batch_op.create_index(
            "ix_paper_more_checked",
            ["checked_repos"],
            unique=False,
            sqlite_where=sa.text("checked_repos > 1"),
            postgresql_where=sa.text("checked_repos > 1"),
        )
    if bind.dialect.name == "sqlite" and _sqlite_search(bind):
        _create_search(bind)
    elif bind.dialect.name == "postgresql":
        _create_trigram(bind)
    # each is the leading part of a wider index: writes kept them up to date for nothing
    for table, name, _ in REDUNDANT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)


def downgrade() -> None:
    bind = op.get_bind()
    for table, name, columns in REDUNDANT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, list(columns), unique=False)
    if bind.dialect.name == "sqlite":
        for table in SEARCHED:
            for event in ("insert", "delete", "update"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_search_{event}")
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table}_search")
    elif bind.dialect.name == "postgresql":
        for name in TRIGRAM:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_more_checked")
        batch_op.drop_index("ix_paper_selection")
        batch_op.drop_index("ix_paper_license_mix")
    # a plain ALTER (SQLite 3.35+): copying `paper` into a new table, as a batch would, cannot
    # drop the old one while other tables reference its rows
    for col in ("checked_repos", "checked_license", "checked_repo"):
        op.drop_column("paper", col)
