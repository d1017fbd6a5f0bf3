"""The models and the migrations describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import tracker.store.tables  # noqa: F401
from tracker.store.engine import current_revision, head_revision, open_db, upgrade
from tracker.store.search import include_name


def test_autogenerate_finds_no_difference(db_url: str) -> None:
    engine = open_db(db_url)
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_reaches_head(db_url: str) -> None:
    engine = open_db(db_url)
    tables_before = sorted(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert sorted(inspect(engine).get_table_names()) == tables_before
    assert {
        "paper",
        "link",
        "repository",
        "repo_history",
        "check_attempt",
        "finding",
        "ingest_run",
        "alembic_version",
    } <= set(tables_before)
