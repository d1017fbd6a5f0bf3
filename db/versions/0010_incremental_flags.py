"""incremental flags

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 17:30:00.000000

Also `ix_paper_open_promise`, a partial index of the papers with an open promise, whose
repositories a check plan puts first: without it that query reads every link.

A flag run judges only the papers whose facts changed or whose deadline came, found through
`ix_paper_flag_due`. What changed is recorded by the database itself, so every writer (ingest,
its PostgreSQL COPY path, checks, merges, acknowledgements, plain SQL) is covered:

* a paper's own inputs, its links and its acknowledgements set `paper.flag_due` to the "now"
  day; a new paper starts there;
* a repository, a repository alias or a Hub model that changed adds one row to `flag_queue`,
  and the flag run marks the papers linking it through the link index. A check of a
  repository a thousand papers link writes one queue row, not a thousand paper rows.

Only the columns the probes read fire a trigger, and only when their value changes: the flag
run's own writes (verdicts, rolled-up columns, `flag_due`) fire none. On PostgreSQL inserts and
deletes are statement triggers over the transition table (one set-based statement per COPY or
multi-row insert); updates are row triggers limited to the listed columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "0001-01-01"
OPEN_PROMISE = (
    "(code_status = 'promised' OR weights_status = 'promised') AND verdict_kind != 'available'"
)
"""As `tracker.store.defaults.OPEN_PROMISE` (a migration keeps its own copy of what it creates)."""

PAPER_INPUTS = (
    "key",
    "title",
    "published",
    "venue_date",
    "arxiv_id",
    "date_basis",
    "first_seen_at",
    *(f"{a}_{s}" for a in ("code", "weights", "data") for s in ("status", "evidence", "condition")),
)
"""The paper columns `tracker.store.facts` reads (the code status also picks the summary code)."""
LINK_INPUTS = (
    "paper_id",
    "url",
    "kind",
    "role",
    "provenance",
    "official",
    "sentence",
    "found_in",
    "repo_key",
    "resolve_status",
    "resolve_reason",
)
ACK_INPUTS = ("paper_id", "code")
REPO_INPUTS = (
    "key",
    "full_name",
    "status",
    "status_reason",
    "http_status",
    "dead_confirmations",
    "stars",
    "archived",
    "pushed_at",
    "last_commit_at",
    "license_spdx",
    "license_claims",
    "placeholder",
    "placeholder_reasons",
    "has_weights",
    "weights_evidence",
    "source_files",
    "first_ok_at",
    "last_checked_at",
    "created_at",
    "full_checked_at",
    "repo_kind",
    "license_terms",
    "license_file",
    "checklist",
    "checklist_score",
)
"""The repository columns `tracker.store.facts.repo_state` reads."""
ALIAS_INPUTS = ("alias", "repository_id")
HUB_INPUTS = ("key", "status", "status_reason", "weight_files", "gated", "private")

PAPER_SIDE = {"link": LINK_INPUTS, "acknowledgement": ACK_INPUTS}
"""Tables whose rows belong to one paper: a change marks that paper."""
QUEUED = {
    "repository": ("repo", "key", REPO_INPUTS),
    "repo_alias": ("repo", "alias", ALIAS_INPUTS),
    "hf_repo": ("hub", "key", HUB_INPUTS),
}
"""Tables whose rows papers share: a change queues (kind, the row's key)."""


def _changed(cols: Sequence[str], *, sqlite: bool) -> str:
    if sqlite:
        return " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
    return f"({', '.join(f'OLD.{c}' for c in cols)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in cols)})"


def _sqlite_triggers() -> list[str]:
    mark = f"UPDATE paper SET flag_due = '{NOW}' WHERE id = {{}}.paper_id AND flag_due <> '{NOW}';"
    sql = [
        f"CREATE TRIGGER paper_flag_inputs AFTER UPDATE OF {', '.join(PAPER_INPUTS)} ON paper "
        f"WHEN {_changed(PAPER_INPUTS, sqlite=True)} BEGIN "
        f"UPDATE paper SET flag_due = '{NOW}' WHERE id = new.id; END"
    ]
    for table, cols in PAPER_SIDE.items():
        sql += [
            f"CREATE TRIGGER {table}_flag_insert AFTER INSERT ON {table} BEGIN "
            f"{mark.format('new')} END",
            f"CREATE TRIGGER {table}_flag_delete AFTER DELETE ON {table} BEGIN "
            f"{mark.format('old')} END",
            f"CREATE TRIGGER {table}_flag_update AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"WHEN {_changed(cols, sqlite=True)} BEGIN {mark.format('new')} "
            f"{mark.format('old')} END",
        ]
    for table, (kind, key, cols) in QUEUED.items():
        put = "INSERT OR IGNORE INTO flag_queue (kind, key) VALUES ('{}', {}.{});"
        sql += [
            f"CREATE TRIGGER {table}_flag_insert AFTER INSERT ON {table} BEGIN "
            f"{put.format(kind, 'new', key)} END",
            f"CREATE TRIGGER {table}_flag_delete AFTER DELETE ON {table} BEGIN "
            f"{put.format(kind, 'old', key)} END",
            f"CREATE TRIGGER {table}_flag_update AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"WHEN {_changed(cols, sqlite=True)} BEGIN {put.format(kind, 'new', key)} "
            f"{put.format(kind, 'old', key)} END",
        ]
    return sql


def _pg_function(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
        f"RETURN {returns}; END $$"
    )


def _pg_triggers() -> list[str]:
    now = f"DATE '{NOW}'"
    sql = [
        _pg_function("tracker_flag_paper_inputs", f"NEW.flag_due := {now};", "NEW"),
        f"CREATE TRIGGER paper_flag_inputs BEFORE UPDATE OF {', '.join(PAPER_INPUTS)} ON paper "
        f"FOR EACH ROW WHEN ({_changed(PAPER_INPUTS, sqlite=False)}) "
        "EXECUTE FUNCTION tracker_flag_paper_inputs()",
    ]
    for table, cols in PAPER_SIDE.items():
        rows = f"UPDATE paper SET flag_due = {now} WHERE flag_due <> {now} AND id IN "
        sql += [
            _pg_function(f"tracker_flag_{table}_rows", f"{rows}(SELECT paper_id FROM changed);"),
            _pg_function(
                f"tracker_flag_{table}_row",
                f"{rows}(NEW.paper_id, OLD.paper_id);",
            ),
            f"CREATE TRIGGER {table}_flag_insert AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION tracker_flag_{table}_rows()",
            f"CREATE TRIGGER {table}_flag_delete AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION tracker_flag_{table}_rows()",
            f"CREATE TRIGGER {table}_flag_update AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"FOR EACH ROW WHEN ({_changed(cols, sqlite=False)}) "
            f"EXECUTE FUNCTION tracker_flag_{table}_row()",
        ]
    for table, (kind, key, cols) in QUEUED.items():
        put = "INSERT INTO flag_queue (kind, key) {} ON CONFLICT DO NOTHING;"
        sql += [
            _pg_function(
                f"tracker_flag_{table}_rows",
                put.format(f"SELECT DISTINCT '{kind}', {key} FROM changed"),
            ),
            _pg_function(
                f"tracker_flag_{table}_row",
                put.format(f"VALUES ('{kind}', NEW.{key}), ('{kind}', OLD.{key})"),
            ),
            f"CREATE TRIGGER {table}_flag_insert AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION tracker_flag_{table}_rows()",
            f"CREATE TRIGGER {table}_flag_delete AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION tracker_flag_{table}_rows()",
            f"CREATE TRIGGER {table}_flag_update AFTER UPDATE OF {', '.join(cols)} ON {table} "
            f"FOR EACH ROW WHEN ({_changed(cols, sqlite=False)}) "
            f"EXECUTE FUNCTION tracker_flag_{table}_row()",
        ]
    return sql


TRIGGERED = ("paper", *PAPER_SIDE, *QUEUED)


def upgrade() -> None:
    op.create_table(
        "flag_queue",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "flag_state",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # a plain ADD COLUMN: a batch copy of `paper` would drop the search triggers; every stored
    # paper starts due, so the first run after the upgrade judges them all
    op.add_column("paper", sa.Column("flag_due", sa.Date(), server_default=NOW, nullable=False))
    op.create_index("ix_paper_flag_due", "paper", ["flag_due", "id"], unique=False)
    op.create_index(
        "ix_paper_open_promise",
        "paper",
        ["id"],
        unique=False,
        sqlite_where=sa.text(OPEN_PROMISE),
        postgresql_where=sa.text(OPEN_PROMISE),
    )
    bind = op.get_bind()
    for sql in _pg_triggers() if bind.dialect.name == "postgresql" else _sqlite_triggers():
        bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    for table in TRIGGERED:
        events = ("inputs",) if table == "paper" else ("insert", "delete", "update")
        for event in events:
            name = f"{table}_flag_{event}"
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else ""))
    if pg:
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS tracker_flag_paper_inputs()")
        for table in (*PAPER_SIDE, *QUEUED):
            for suffix in ("rows", "row"):
                bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS tracker_flag_{table}_{suffix}()")
    op.drop_index("ix_paper_open_promise", table_name="paper")
    op.drop_index("ix_paper_flag_due", table_name="paper")
    op.execute("ALTER TABLE paper DROP COLUMN flag_due")
    op.drop_table("flag_state")
    op.drop_table("flag_queue")
