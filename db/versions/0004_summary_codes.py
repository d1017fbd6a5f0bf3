"""summary codes: small integers for the verdict/status/flags triple, the license and the
repository each paper's summary counts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 07:25:00.000000

A summary of a text query matching most papers read the matches' verdicts, code statuses,
flags and licenses as text and grouped them: seconds at a million papers. With each (verdict
kind, code status, flags) triple and
each license numbered in `summary_code`, and the numbers and the checked repository's id stored
on the paper, it counts integers in one pass (`tracker.store.codes`). The codes are filled here
from the stored columns as the flag run writes them, so a database whose roll-up was current
stays current.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("tally_code", "checked_repo_id", "license_code")

BACKFILL = (
    # a (verdict kind, code status, flags) triple as `tracker.store.codes.tally_value` writes it
    "INSERT INTO summary_code (kind, value) "
    "SELECT DISTINCT 'tally', verdict_kind || ' ' || code_status || ' ' || flags FROM paper",
    "UPDATE paper SET tally_code = (SELECT c.id FROM summary_code c WHERE c.kind = 'tally' "
    "AND c.value = paper.verdict_kind || ' ' || paper.code_status || ' ' || paper.flags)",
    "INSERT INTO summary_code (kind, value) "
    "SELECT DISTINCT 'license', checked_license FROM paper WHERE checked_license IS NOT NULL",
    "UPDATE paper SET "
    "license_code = (SELECT c.id FROM summary_code c "
    "WHERE c.kind = 'license' AND c.value = paper.checked_license), "
    "checked_repo_id = (SELECT r.id FROM repository r WHERE r.key = paper.checked_repo) "
    "WHERE checked_repo IS NOT NULL",
)


def upgrade() -> None:
    op.create_table(
        "summary_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=1100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value", name="uq_summary_code_kind_value"),
    )
    with op.batch_alter_table("paper", schema=None) as batch_op:
        for col in COLUMNS:
            batch_op.add_column(sa.Column(col, sa.Integer(), nullable=True))
    for sql in BACKFILL:
        op.execute(sql)


def downgrade() -> None:
    # a plain ALTER (SQLite 3.35+), as in 0002: a batch copy of `paper` cannot drop the old
    # table while other tables reference its rows
    for col in reversed(COLUMNS):
        op.drop_column("paper", col)
    op.drop_table("summary_code")
