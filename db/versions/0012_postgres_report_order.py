"""postgres report order: a lower-cased search text on paper_state, stars in report order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:30:00.000000

Two things PostgreSQL's reports read, both PostgreSQL's alone:

* `paper_state.search_text`: the paper's title, key and rolled-up link URLs, each lower-cased
  with PostgreSQL's own `lower()`, joined by a newline. A `--query` text matching many papers
  is tested on every row; against this one column it needs neither `lower()` per row nor a
  join of `paper` to `paper_state`. The database keeps it, so every writer is covered: a new
  paper's state row gets its title and key (the insert trigger of 0011, replaced), a change of
  the title or key rewrites it (0011's trigger of the paper's inputs, replaced), and a state
  row inserted without it or whose `link_urls` change is completed from its paper (a trigger
  on `paper_state`). The column exists on SQLite too, as the models have it, and stays empty
  there: its search tables answer `--query`.
* `ix_paper_state_stars_desc` on `(stars DESC NULLS LAST, paper_id)`: the order of a report
  sorted by stars, descending, papers without stars last. `ix_paper_state_stars` is ascending
  with nulls last, and `DESC NULLS LAST` is not its reverse, so such a report sorted every
  paper it selected before taking the first hundred. Like the trigram indexes it is outside
  the models (`tracker.store.search.include_name`): SQLite cannot declare `NULLS LAST` in an
  index, and reads its own index backwards for the same order.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = "DATE '0001-01-01'"
"""As 0011's `NOW`: the day a changed paper is due."""
HEAD = "lower({p}title) || E'\\n' || lower({p}key) || E'\\n'"
"""The search text up to the URLs, of the paper columns prefixed `{p}`
(as `tracker.store.search.SEARCH_SEPARATORS`: a migration keeps its own copy)."""
STARS_INDEX = "ix_paper_state_stars_desc"


def _function(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN {returns}; END $$"
    )


def _pg_upgrade() -> list[str]:
    paper = HEAD.format(p="")
    new = HEAD.format(p="NEW.")
    return [
        # 0011's insert trigger, also writing the search text (the links come later)
        _function(
            "tracker_paper_state_rows",
            "INSERT INTO paper_state (paper_id, published, code_status, weights_status, "
            f"search_text) SELECT id, published, code_status, weights_status, {paper} "
            "FROM changed;",
        ),
        # 0011's trigger of the paper's inputs (the title and key among them), likewise
        _function(
            "tracker_flag_paper_inputs",
            f"UPDATE paper_state SET flag_due = {NOW}, published = NEW.published, "
            "code_status = NEW.code_status, weights_status = NEW.weights_status, "
            "tally_code = CASE "
            "WHEN OLD.code_status IS NOT DISTINCT FROM NEW.code_status THEN tally_code END, "
            f"search_text = {new} || lower(link_urls) WHERE paper_id = NEW.id;",
        ),
        _function(
            "tracker_state_search_text",
            f"NEW.search_text := coalesce((SELECT {paper} FROM paper WHERE id = NEW.paper_id), "
            "E'\\n\\n') || lower(NEW.link_urls);",
            returns="NEW",
        ),
        "CREATE TRIGGER paper_state_search_insert BEFORE INSERT ON paper_state FOR EACH ROW "
        "WHEN (NEW.search_text = '') EXECUTE FUNCTION tracker_state_search_text()",
        "CREATE TRIGGER paper_state_search_update BEFORE UPDATE OF link_urls ON paper_state "
        "FOR EACH ROW WHEN (OLD.link_urls IS DISTINCT FROM NEW.link_urls) "
        "EXECUTE FUNCTION tracker_state_search_text()",
        f"UPDATE paper_state s SET search_text = {HEAD.format(p='p.')} || lower(s.link_urls) "
        "FROM paper p WHERE p.id = s.paper_id",
        f"CREATE INDEX {STARS_INDEX} ON paper_state (stars DESC NULLS LAST, paper_id)",
    ]


def _migration_0011() -> ModuleType:
    """Migration 0011, whose trigger functions a downgrade restores as it created them."""
    path = Path(__file__).with_name("0011_paper_state.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0011", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(
        "paper_state", sa.Column("search_text", sa.Text(), server_default="", nullable=False)
    )
    if bind.dialect.name == "postgresql":
        for sql in _pg_upgrade():
            bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {STARS_INDEX}")
        for name in ("paper_state_search_insert", "paper_state_search_update"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON paper_state")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS tracker_state_search_text()")
        replaced = ("tracker_paper_state_rows", "tracker_flag_paper_inputs")
        for sql in _migration_0011()._pg_triggers():
            if any(f"CREATE FUNCTION {name}()" in sql for name in replaced):
                bind.exec_driver_sql(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.drop_column("paper_state", "search_text")
