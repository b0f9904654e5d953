"""A stub whose reports hold values the extractor marked "check" (issue 30's low-confidence filter)

Revision ID: 0016_stub_needs_check
Revises: 0015_curators_claims_comments
Create Date: 2026-12-07 23:05:00

- `stubs.needs_check` (indexed): a cited report has a count, origin, target or follower figure
  found by a weaker rule (`Report.to_check()`), so the desk can list where a curator looks first.
  False for existing stubs until they are next recomputed from their reports (`reextract`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_stub_needs_check"
down_revision = "0015_curators_claims_comments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_check", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_stubs_needs_check"), ["needs_check"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stubs_needs_check"))
        batch_op.drop_column("needs_check")
