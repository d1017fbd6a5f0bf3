"""feeds and authors: live sources with their cursors and watch list, and papers' authors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 14:21:18.946309

Papers could only arrive as files. Feeds (`hf:daily`, `arxiv:cs.LG`, `openreview:...`,
`openalex:author/...`) are read page by page: `feed` keeps each one's cursor (complete days,
the offset or page token of the day being read, an ETag) and whether it is watched, so a rerun
asks only for what is new and an interrupted run resumes. `paper_feed` says which feed brought a
paper (with the upvotes the Hugging Face listing gave). `paper_author` keeps the authors in
order, with the ORCID, OpenAlex or account ids a source gives, and `paper.venue` where the paper
appeared (the venue's acceptance date already has `paper.venue_date`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("watched", sa.Boolean(), nullable=False),
        sa.Column("started", sa.Date(), nullable=True),
        sa.Column("through", sa.Date(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("token", sa.Text(), server_default="", nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_name"), ["name"], unique=True)

    op.create_table(
        "paper_author",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("orcid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("openalex_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("profile", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(["paper_id"], ["paper.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("paper_id", "position", name="uq_paper_author_position"),
    )
    with op.batch_alter_table("paper_author", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paper_author_openalex_id"), ["openalex_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_paper_author_orcid"), ["orcid"], unique=False)

    op.create_table(
        "paper_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("upvotes", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["feed.id"]),
        sa.ForeignKeyConstraint(["paper_id"], ["paper.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "paper_id", name="uq_paper_feed"),
    )
    with op.batch_alter_table("paper_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_feed_paper_id"), ["paper_id"], unique=False)

    # plain ADD COLUMN: a batch copy of `paper` would drop the tables and triggers that use it
    op.add_column(
        "paper", sa.Column("venue", sa.String(length=255), server_default="", nullable=False)
    )


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+, PostgreSQL), for the same reason
    op.execute("ALTER TABLE paper DROP COLUMN venue")
    with op.batch_alter_table("paper_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_feed_paper_id"))
    op.drop_table("paper_feed")
    with op.batch_alter_table("paper_author", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_author_orcid"))
        batch_op.drop_index(batch_op.f("ix_paper_author_openalex_id"))
    op.drop_table("paper_author")
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_name"))
    op.drop_table("feed")
