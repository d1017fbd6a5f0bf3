"""search text urls one line: no newline among the URLs of paper_state.search_text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 08:10:00.000000

PostgreSQL's `paper_state.search_text` (migration 0012) is the lower-cased title, a newline,
the lower-cased key, a newline, and the rolled-up link URLs joined by spaces. A `--query` text
holding a space may match across two of those URLs, so such a text read every paper's links
one by one. With no newline among the URLs, a match followed by a newline is in the title or
the key, and only a match among the URLs needs the links. A URL holding a newline (which no
link should, but nothing refuses) has it as a space here: a text without a newline still
matches the URLs it matched, and a match that the space creates lies among the URLs, where the
links decide. Only the two trigger functions that write the URLs change; SQLite has nothing
to do (its search tables answer `--query`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

URLS = "replace(lower({u}link_urls), E'\\n', ' ')"
"""The URL part of the search text, of the state columns prefixed `{u}`."""
WRITERS = ("tracker_flag_paper_inputs", "tracker_state_search_text")
"""0012's trigger functions that write the URL part."""


def _migration_0012() -> ModuleType:
    """Migration 0012, whose trigger functions this one rewrites and a downgrade restores."""
    path = Path(__file__).with_name("0012_postgres_report_order.py")
    spec = importlib.util.spec_from_file_location("tracker_migration_0012", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _writers(old: ModuleType) -> list[str]:
    """0012's statements creating the functions of `WRITERS`, as 0012 wrote them."""
    made = [f"CREATE OR REPLACE FUNCTION {n}()" for n in WRITERS]
    found = [s for s in old._pg_upgrade() if s.startswith(tuple(made))]
    assert len(found) == len(WRITERS), "migration 0012's trigger functions not found"
    return found


def _rewritten(sql: str) -> str:
    for prefix in ("", "NEW."):
        sql = sql.replace(f"lower({prefix}link_urls)", URLS.format(u=prefix))
    return sql


def _refill(old: ModuleType, urls: str) -> str:
    """Rewrite the search text of the papers with a newline among their URLs."""
    head = old.HEAD.format(p="p.")
    return (
        f"UPDATE paper_state s SET search_text = {head} || {urls} FROM paper p "
        "WHERE p.id = s.paper_id AND strpos(s.link_urls, E'\\n') > 0"
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    old = _migration_0012()
    for sql in _writers(old):
        new = _rewritten(sql)
        assert new != sql, "migration 0012's URL expression not found"
        bind.exec_driver_sql(new)
    bind.exec_driver_sql(_refill(old, URLS.format(u="s.")))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    old = _migration_0012()
    for sql in _writers(old):
        bind.exec_driver_sql(sql)
    bind.exec_driver_sql(_refill(old, "lower(s.link_urls)"))
