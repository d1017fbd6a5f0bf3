"""repository evidence: what a full check read, kept raw and judged by the flag run

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:40:00.000000

Placeholder, weights and license verdicts were decided while checking and only the verdict was
kept, so a better rule needed every repository fetched again under the rate limit. The README,
the tree, LFS patterns and the package, license and download files now go to `repo_evidence`;
`tracker flag` judges them (`tracker.flags.judge`) into the repository's verdict columns,
including the new `repo_kind`, `license_terms` and `license_file` (the license a file GitHub
cannot identify shows in its text). Repositories checked before keep their old
verdicts until their next full check stores evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy of `repository` would drop a table others reference
    op.add_column(
        "repository",
        sa.Column("repo_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column(
        "repository",
        sa.Column(
            "license_terms",
            sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "repository",
        sa.Column("license_file", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_table(
        "repo_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("empty", sa.Boolean(), nullable=False),
        sa.Column("readme_text", sa.Text(), server_default="", nullable=False),
        sa.Column("tree", sa.Text(), server_default="", nullable=False),
        sa.Column("lfs_patterns", sa.Text(), server_default="", nullable=False),
        sa.Column("files", sa.Text(), server_default="{}", nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("judged", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(["repository_id"], ["repository.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("repo_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repo_evidence_repository_id"), ["repository_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("repo_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repo_evidence_repository_id"))
    op.drop_table("repo_evidence")
    # plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy would drop `repository`
    for column in ("license_file", "license_terms", "repo_kind"):
        op.execute(f"ALTER TABLE repository DROP COLUMN {column}")
