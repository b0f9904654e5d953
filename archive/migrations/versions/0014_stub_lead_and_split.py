"""A stub's lead report, per-reference counts and per-network references (issue 28)

Revision ID: 0014_stub_lead_and_split
Revises: 0013_change_indexes
Create Date: 2026-12-07 21:40:00

- `stub_references.is_primary`: the disarming platform's own disclosure, which leads its stub.
- `stub_references.counts`: the removed-asset counts each cited report states, kept beside the
  lead's (NULL for existing rows until the stub is next recomputed from its reports).
- `stubs.counts_disagree` (indexed): a cited report's counts differ from the lead's.
- `stubs.platform_led`: the platform's report is cited, so a retelling joining later changes no count.
- `stub_references.part`: a report naming networks of different origins is cited once per network
  (one stub per operation), so a report URL is unique with its part, no longer alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_stub_lead_and_split"
down_revision = "0013_change_indexes"
branch_labels = None
depends_on = None

# SQLite reflects the baseline's unnamed UNIQUE (normalised_url) without a name: this names it so
# the batch copy can drop it. PostgreSQL named it itself.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    return (
        "uq_stub_references_normalised_url"
        if op.get_bind().dialect.name == "sqlite"
        else "stub_references_normalised_url_key"
    )


def upgrade() -> None:
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counts_disagree", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("platform_led", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_stubs_counts_disagree"), ["counts_disagree"], unique=False)
    with op.batch_alter_table("stub_references", schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column("part", sa.String(length=255), server_default="", nullable=False))
        batch_op.add_column(sa.Column("is_primary", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("counts", sa.JSON(), nullable=True))
        batch_op.drop_constraint(_old_unique(), type_="unique")
        batch_op.create_unique_constraint("uq_stub_reference_url_part", ["normalised_url", "part"])


def downgrade() -> None:
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.drop_constraint("uq_stub_reference_url_part", type_="unique")
        batch_op.create_unique_constraint(_old_unique(), ["normalised_url"])
        batch_op.drop_column("counts")
        batch_op.drop_column("is_primary")
        batch_op.drop_column("part")
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stubs_counts_disagree"))
        batch_op.drop_column("platform_led")
        batch_op.drop_column("counts_disagree")
