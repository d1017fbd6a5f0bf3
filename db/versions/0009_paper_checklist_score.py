"""paper checklist score

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 16:00:00.000000

The checklist score of a paper's main code repository, rolled up on the paper by the flag run
like its stars: the CSV export stays one scan of the paper table, and `report --min-score` and
`--sort score` are index range scans instead of a join per paper. Added with a plain ADD
COLUMN: a batch copy of `paper` would drop the triggers that keep the search tables in step.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("paper", sa.Column("checklist_score", sa.Integer(), nullable=True))
    op.create_index("ix_paper_checklist_score", "paper", ["checklist_score"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_paper_checklist_score", table_name="paper")
    op.execute("ALTER TABLE paper DROP COLUMN checklist_score")
