"""checklist, open requests and archival

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 15:10:00.000000

A reproducibility card per paper needs three things the schema did not keep: the completeness
checklist judged from a repository's evidence (`repository.checklist`, `checklist_score`), the
open issues that ask for code, weights or data (`repository.open_requests`,
`requests_checked_at`), and whether a link has an archived copy (`link.archived_url`,
`archived_at`, `archive_status`, `archive_checked_at`), plus every opt-in request to archive
released code (`archive_request`). Columns are added with plain ADD COLUMN: a batch copy of
`link` or `repository` would drop the triggers that keep the search tables in step.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUTO = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "archive_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=True),
        sa.Column("origin_url", _AUTO(length=2048), nullable=False),
        sa.Column("service", _AUTO(length=32), nullable=False),
        sa.Column("requested_at", _TIME(), nullable=False),
        sa.Column("status", _AUTO(length=16), nullable=False),
        sa.Column("reason", _AUTO(length=1024), nullable=False),
        sa.Column("request_id", _AUTO(length=64), nullable=True),
        sa.ForeignKeyConstraint(["repository_id"], ["repository.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("archive_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_request_repository_id"), ["repository_id"], unique=False
        )
    op.add_column("link", sa.Column("archived_url", _AUTO(length=2048), nullable=True))
    op.add_column("link", sa.Column("archived_at", _TIME(), nullable=True))
    op.add_column("link", sa.Column("archive_status", _AUTO(length=16), nullable=True))
    op.add_column("link", sa.Column("archive_checked_at", _TIME(), nullable=True))
    op.add_column(
        "repository", sa.Column("checklist", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("repository", sa.Column("checklist_score", sa.Integer(), nullable=True))
    op.add_column(
        "repository", sa.Column("open_requests", sa.Text(), server_default="[]", nullable=False)
    )
    op.add_column("repository", sa.Column("requests_checked_at", _TIME(), nullable=True))


def downgrade() -> None:
    for column in ("requests_checked_at", "open_requests", "checklist_score", "checklist"):
        op.drop_column("repository", column)
    for column in ("archive_checked_at", "archive_status", "archived_at", "archived_url"):
        op.drop_column("link", column)
    with op.batch_alter_table("archive_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_request_repository_id"))
    op.drop_table("archive_request")
