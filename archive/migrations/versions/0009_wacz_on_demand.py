"""WACZ packages are built from the WARC on demand: drop wacz_files (and verify's records of WACZ files)

The WACZ held a second copy of every capture's records (37% of all bytes stored). The
files an earlier release wrote under wacz/ are left on disk; they can be deleted, since
`takedowns archive export` rebuilds any capture's package from its WARC.

Revision ID: 0009_wacz_on_demand
Revises: 0008_stub_countries
Create Date: 2026-11-29 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_wacz_on_demand"
down_revision = "0008_stub_countries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("wacz_files")
    op.execute("DELETE FROM verified_files WHERE path LIKE 'wacz/%'")


def downgrade() -> None:
    op.create_table(
        "wacz_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capture_id"),
    )
