"""title key trigram: one trigram index of a paper's title and key on PostgreSQL, not two

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 10:40:00.000000

`report --query` finds a rare text on PostgreSQL through GIN trigram indexes (migration 0002):
one of `lower(title)`, one of `lower(key)`, one of `lower(url)` of the links. Keeping each up to
date is most of what the server does while papers are copied in, and the two on `paper` are
looked up together anyway (title or key). One index of the lower-cased title and key joined by
a newline serves the same look-ups: a text without a newline cannot match across the newline,
so it matches the joined text exactly when it matches the title or the key (a text holding a
newline, which no typed query does, is tested on each row instead). The new index is built
before the two are dropped, so a text query has an index throughout; writes to `paper` wait
for the build. Nothing where the trigram indexes were never made (no pg_trgm), and nothing on
SQLite, whose search tables answer `--query`.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOINED = "ix_paper_title_key_trgm"
SEPARATE = {"ix_paper_title_trgm": "title", "ix_paper_key_trgm": "key"}
"""Migration 0002's indexes, of `lower()` of these columns of `paper`."""


def _has(name: str) -> bool:
    bind = op.get_bind()
    return bind.exec_driver_sql("SELECT to_regclass(%(n)s) IS NOT NULL", {"n": name}).scalar()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not all(_has(n) for n in SEPARATE):
        return
    bind.exec_driver_sql(
        f"CREATE INDEX {JOINED} ON paper "
        "USING gin ((lower(title) || E'\\n' || lower(key)) gin_trgm_ops)"
    )
    for name in SEPARATE:
        bind.exec_driver_sql(f"DROP INDEX {name}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has(JOINED):
        return
    for name, col in SEPARATE.items():
        bind.exec_driver_sql(f"CREATE INDEX {name} ON paper USING gin (lower({col}) gin_trgm_ops)")
    bind.exec_driver_sql(f"DROP INDEX {JOINED}")
