"""stub_references.report_sha256: an unchanged report re-polled does not recompute a large cluster

Revision ID: 0010_reference_report_digest
Revises: 0009_wacz_on_demand
Create Date: 2026-11-29 03:10:00

Left NULL for existing references: whether a stub reflects a report's current data
is not known, so the next poll of that report recomputes the stub once and records it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_reference_report_digest"
down_revision = "0009_wacz_on_demand"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.drop_column("report_sha256")
