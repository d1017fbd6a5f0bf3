"""dates and reads: where a paper's date came from, and whether each page or shortlink was read

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:00:00.000000

A listing without dates made every deadline count from the day the tracker first saw the paper,
and a project page or shortlink that could not be read looked the same as one read and found
empty. `paper.date_basis` says where `published` came from (the source, or arXiv's answer during
discovery); `link.resolve_status` and `link.resolve_reason` keep how reading each page or
shortlink went, so a page that answered 403 or timed out makes its paper's code `unknown`.
Existing rows keep an empty basis (their dates came from their sources) and no read status (not
read yet: the next discovery run reads them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("date_basis", sa.String(length=16), nullable=False, server_default="")
        )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "resolve_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("resolve_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy would drop tables others reference
    for table, column in (
        ("link", "resolve_reason"),
        ("link", "resolve_status"),
        ("paper", "date_basis"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
