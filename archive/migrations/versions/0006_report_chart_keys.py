"""reports.pub_month and reports.platform, indexed: the desk's per-month chart without parsing every report

Revision ID: 0006_report_chart_keys
Revises: 0005_verified_files
Create Date: 2026-11-29 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_report_chart_keys"
down_revision = "0005_verified_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("pub_month", sa.String(length=7), server_default="", nullable=False))
        batch.add_column(sa.Column("platform", sa.String(length=32), server_default="", nullable=False))
        batch.create_index("ix_reports_month_platform", ["pub_month", "platform"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE reports SET pub_month = coalesce(substr(data->>'pub_date', 1, 7), ''), platform ="
            " coalesce(substr(data->>'platform', 1, 32), '')"
        )
    else:
        op.execute(
            "UPDATE reports SET pub_month = coalesce(substr(json_extract(data, '$.pub_date'), 1, 7), ''), "
            "platform = coalesce(substr(json_extract(data, '$.platform'), 1, 32), '')"
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_month_platform")
        batch.drop_column("platform")
        batch.drop_column("pub_month")
