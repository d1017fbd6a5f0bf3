"""paper state: what the flag run derives moves off `paper`

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:30:00.000000

The verdict, the rolled-up links, the summary codes and `flag_due` move from `paper` to
`paper_state`, one row per paper keyed by its id, so `paper` holds only what the sources said.
The covering indexes of the summary and the filters move with them; they also read the paper's
date, code status and weights status, which `paper_state` therefore copies. The database keeps
the copy in step, as migration 0010 made it record changes, so every writer (ingest, its
PostgreSQL COPY path, enrichment, merges, plain SQL) is covered:

* a new paper gets its state row (not flagged yet, due now) from an insert trigger; a deleted
  one loses it (a cascading foreign key, and on SQLite, whose connections may not enforce
  foreign keys, a trigger too);
* a change of what the probes read makes the paper due again, rewrites the three copies and,
  when the code status changed, empties `tally_code` (its text names the old status): what a
  save and a merge did by hand before.

0010's triggers on `paper`, `link` and `acknowledgement` are replaced by these, which mark
`paper_state.flag_due`; the queue triggers of repositories, aliases and Hub models stay. The
columns leave `paper` with a plain ALTER (SQLite 3.35+), as 0002 and 0004 drop theirs: a batch
copy of `paper` would drop the search triggers and cannot replace a table other tables reference.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
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
PAPER_SIDE = {"link": LINK_INPUTS, "acknowledgement": ACK_INPUTS}
"""Tables whose rows belong to one paper: a change marks that paper."""
COPIED = ("published", "code_status", "weights_status")
"""Paper columns `paper_state` keeps a copy of, for its covering indexes."""


def _derived() -> list[sa.Column[object]]:
    text = sqlmodel.sql.sqltypes.AutoString
    return [
        sa.Column("verdict", text(length=128), server_default="", nullable=False),
        sa.Column("verdict_kind", text(length=24), server_default="", nullable=False),
        sa.Column("flagged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("flags", text(length=1024), server_default="", nullable=False),
        sa.Column("acknowledged", text(length=1024), server_default="", nullable=False),
        sa.Column("link_urls", sa.Text(), server_default="", nullable=False),
        sa.Column("repo_status", text(length=16), nullable=True),
        sa.Column("repo_license", text(length=64), nullable=True),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("checklist_score", sa.Integer(), nullable=True),
        sa.Column("release_days", sa.Integer(), nullable=True),
        sa.Column("checked_repo", text(length=255), nullable=True),
        sa.Column("checked_license", text(length=64), nullable=True),
        sa.Column("checked_repos", sa.Integer(), server_default="0", nullable=False),
        sa.Column("tally_code", sa.Integer(), nullable=True),
        sa.Column("checked_repo_id", sa.Integer(), nullable=True),
        sa.Column("license_code", sa.Integer(), nullable=True),
        sa.Column("flag_due", sa.Date(), server_default=NOW, nullable=False),
    ]


DERIVED = tuple(c.name for c in _derived())

INDEXES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "published_summary": (
        ("published", "verdict_kind", "code_status", "flags", "release_days"),
        None,
    ),
    "selection": (
        ("verdict_kind", "code_status", "flags", "release_days", "published", "stars"),
        None,
    ),
    "license_mix": (
        (
            "checked_license",
            "checked_repo",
            "published",
            "verdict_kind",
            "code_status",
            "flags",
            "stars",
        ),
        None,
    ),
    "more_checked": (("checked_repos",), "checked_repos > 1"),
    "stars": (("stars",), None),
    "checklist_score": (("checklist_score",), None),
    "flag_due": (("flag_due", "{id}"), None),
    "open_promise": (("{id}",), OPEN_PROMISE),
}
"""The indexes of derived state, named `ix_paper_<name>` on `paper` before this migration and
`ix_paper_state_<name>` after; `{id}` is the paper's id column."""


def _create_indexes(table: str, id_col: str) -> None:
    for name, (cols, where) in INDEXES.items():
        partial = {} if where is None else {"sqlite_where": sa.text(where)}
        if where is not None:
            partial["postgresql_where"] = sa.text(where)
        op.create_index(
            f"ix_{table}_{name}",
            table,
            [c.format(id=id_col) for c in cols],
            unique=False,
            **partial,
        )


def _changed(cols: Sequence[str], *, sqlite: bool) -> str:
    if sqlite:
        return " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
    return f"({', '.join(f'OLD.{c}' for c in cols)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in cols)})"


def _sqlite_triggers() -> list[str]:
    copy = ", ".join(f"{c} = new.{c}" for c in COPIED)
    mark = (
        f"UPDATE paper_state SET flag_due = '{NOW}' "
        f"WHERE paper_id = {{}}.paper_id AND flag_due <> '{NOW}';"
    )
    sql = [
        "CREATE TRIGGER paper_state_insert AFTER INSERT ON paper BEGIN "
        f"INSERT INTO paper_state (paper_id, {', '.join(COPIED)}) "
        f"VALUES (new.id, {', '.join(f'new.{c}' for c in COPIED)}); END",
        "CREATE TRIGGER paper_state_delete AFTER DELETE ON paper BEGIN "
        "DELETE FROM paper_state WHERE paper_id = old.id; END",
        f"CREATE TRIGGER paper_flag_inputs AFTER UPDATE OF {', '.join(PAPER_INPUTS)} ON paper "
        f"WHEN {_changed(PAPER_INPUTS, sqlite=True)} BEGIN "
        f"UPDATE paper_state SET flag_due = '{NOW}', {copy}, tally_code = CASE "
        "WHEN old.code_status IS new.code_status THEN tally_code END "
        "WHERE paper_id = new.id; END",
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
    return sql


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
        "RETURN NULL; END $$"
    )


def _pg_triggers() -> list[str]:
    now = f"DATE '{NOW}'"
    copy = ", ".join(f"{c} = NEW.{c}" for c in COPIED)
    sql = [
        _pg_function(
            "tracker_paper_state_rows",
            f"INSERT INTO paper_state (paper_id, {', '.join(COPIED)}) "
            f"SELECT id, {', '.join(COPIED)} FROM changed;",
        ),
        "CREATE TRIGGER paper_state_insert AFTER INSERT ON paper "
        "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION tracker_paper_state_rows()",
        _pg_function(
            "tracker_flag_paper_inputs",
            f"UPDATE paper_state SET flag_due = {now}, {copy}, tally_code = CASE "
            "WHEN OLD.code_status IS NOT DISTINCT FROM NEW.code_status THEN tally_code END "
            "WHERE paper_id = NEW.id;",
        ),
        f"CREATE TRIGGER paper_flag_inputs AFTER UPDATE OF {', '.join(PAPER_INPUTS)} ON paper "
        f"FOR EACH ROW WHEN ({_changed(PAPER_INPUTS, sqlite=False)}) "
        "EXECUTE FUNCTION tracker_flag_paper_inputs()",
    ]
    for table, cols in PAPER_SIDE.items():
        rows = f"UPDATE paper_state SET flag_due = {now} WHERE flag_due <> {now} AND paper_id IN "
        sql += [
            _pg_function(f"tracker_flag_{table}_rows", f"{rows}(SELECT paper_id FROM changed);"),
            _pg_function(f"tracker_flag_{table}_row", f"{rows}(NEW.paper_id, OLD.paper_id);"),
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


TRIGGERS = {
    "paper": ("paper_state_insert", "paper_state_delete", "paper_flag_inputs"),
    **{t: tuple(f"{t}_flag_{e}" for e in ("insert", "delete", "update")) for t in PAPER_SIDE},
}
FUNCTIONS = (
    "tracker_paper_state_rows",
    "tracker_flag_paper_inputs",
    *(f"tracker_flag_{t}_{s}" for t in PAPER_SIDE for s in ("rows", "row")),
)
"""The triggers (and, on PostgreSQL, their functions) of 0010 or this migration on the tables
whose rows belong to a paper; dropping one that is not there is no error."""


def _drop_triggers(pg: bool) -> None:
    bind = op.get_bind()
    for table, names in TRIGGERS.items():
        for name in names:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else ""))
    if pg:
        for fn in FUNCTIONS:
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}()")


def _migration_0010() -> ModuleType:
    """Migration 0010, whose triggers a downgrade restores as it created them."""
    path = Path(__file__).with_name("0010_incremental_flags.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.create_table(
        "paper_state",
        sa.Column("paper_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column(
            "code_status",
            sqlmodel.sql.sqltypes.AutoString(length=24),
            server_default="none",
            nullable=False,
        ),
        sa.Column(
            "weights_status",
            sqlmodel.sql.sqltypes.AutoString(length=24),
            server_default="none",
            nullable=False,
        ),
        *_derived(),
        sa.ForeignKeyConstraint(["paper_id"], ["paper.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("paper_id"),
    )
    _drop_triggers(pg)
    cols = ", ".join((*COPIED, *DERIVED))
    bind.exec_driver_sql(
        f"INSERT INTO paper_state (paper_id, {cols}) SELECT id, {cols} FROM paper ORDER BY id"
    )
    for name in INDEXES:
        op.drop_index(f"ix_paper_{name}", table_name="paper")
    for col in DERIVED:
        op.drop_column("paper", col)
    _create_indexes("paper_state", "paper_id")
    for sql in _pg_triggers() if pg else _sqlite_triggers():
        bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    _drop_triggers(pg)
    for column in _derived():
        op.add_column("paper", column)
    cols = ", ".join(DERIVED)
    bind.exec_driver_sql(
        f"UPDATE paper SET ({cols}) = "
        f"(SELECT {cols} FROM paper_state s WHERE s.paper_id = paper.id) "
        "WHERE id IN (SELECT paper_id FROM paper_state)"
    )
    _create_indexes("paper", "id")
    op.drop_table("paper_state")
    m = _migration_0010()
    for sql in m._pg_triggers() if pg else m._sqlite_triggers():
        # the queue triggers of repositories, aliases and Hub models were never dropped
        if not any(f" ON {t} " in sql or f"tracker_flag_{t}_" in sql for t in m.QUEUED):
            bind.exec_driver_sql(sql)
