"""The desk for a team: curators, who did each change, claims, comments, undoable batches, sort indexes

Revision ID: 0015_curators_claims_comments
Revises: 0014_stub_lead_and_split
Create Date: 2026-12-07 21:50:00

Curators sign in with their own token (only its SHA-256 is stored); each stub change
records its `actor`; a curator claims a stub for a while (`stub_claims`), comments on it
(`stub_comments`); each desk decision over one or many stubs is a `desk_batches` row so it
can be undone. Three indexes let the queue sort by publication date and platform by
reading an index range rather than sorting every stub.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_curators_claims_comments"
down_revision = "0014_stub_lead_and_split"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stub_changes") as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=64), nullable=True))
    op.create_table(
        "curators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_table(
        "stub_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stub_pk", sa.Integer(), nullable=False),
        sa.Column("curator", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["stub_pk"], ["stubs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stub_pk"),
    )
    op.create_index("ix_stub_claims_curator", "stub_claims", ["curator"])
    op.create_table(
        "stub_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stub_pk", sa.Integer(), nullable=False),
        sa.Column("curator", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["stub_pk"], ["stubs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stub_comments_stub_pk", "stub_comments", ["stub_pk"])
    op.create_table(
        "desk_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("stub_ids", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stubs_status_pub", "stubs", ["status", "first_pub_date", "id"])
    op.create_index("ix_stubs_pub", "stubs", ["first_pub_date", "id"])
    op.create_index("ix_stubs_status_platform", "stubs", ["status", "platform", "id"])


def downgrade() -> None:
    op.drop_index("ix_stubs_status_platform", table_name="stubs")
    op.drop_index("ix_stubs_pub", table_name="stubs")
    op.drop_index("ix_stubs_status_pub", table_name="stubs")
    op.drop_table("desk_batches")
    op.drop_index("ix_stub_comments_stub_pk", table_name="stub_comments")
    op.drop_table("stub_comments")
    op.drop_index("ix_stub_claims_curator", table_name="stub_claims")
    op.drop_table("stub_claims")
    op.drop_table("curators")
    with op.batch_alter_table("stub_changes") as batch_op:
        batch_op.drop_column("actor")
