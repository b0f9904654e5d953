"""verified_files: what `archive verify` last checked, so the next run checks only what changed

Revision ID: 0005_verified_files
Revises: 0004_one_source_health
Create Date: 2026-11-28 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_verified_files"
down_revision = "0004_one_source_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verified_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )


def downgrade() -> None:
    op.drop_table("verified_files")
