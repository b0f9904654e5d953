"""stub_countries (a stub's origin and target countries as indexed rows: the desk's origin filter
is a lookup, not a JSON scan) and an index from a reference's capture to its stub (search)

Revision ID: 0008_stub_countries
Revises: 0007_reference_notes
Create Date: 2026-11-29 02:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_stub_countries"
down_revision = "0007_reference_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stub_countries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stub_pk", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("country", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["stub_pk"], ["stubs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stub_countries", schema=None) as batch_op:
        batch_op.create_index("ix_stub_countries_role_country", ["role", "country", "stub_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_stub_countries_stub_pk"), ["stub_pk"], unique=False)
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stub_references_capture_id"), ["capture_id"], unique=False)
    _backfill()


def _backfill() -> None:
    """Rows for the stubs an older release wrote (as scraper.stubs.countries.country_rows does)."""
    stubs = sa.table("stubs", sa.column("id"), sa.column("origin", sa.JSON), sa.column("targets", sa.JSON))
    rows_table = sa.table("stub_countries", sa.column("stub_pk"), sa.column("role"), sa.column("country"))
    bind = op.get_bind()
    rows = []
    for pk, origin, targets in bind.execute(sa.select(stubs.c.id, stubs.c.origin, stubs.c.targets)):
        for role, countries in (("origin", origin), ("target", targets)):
            folded = dict.fromkeys(
                c.strip().casefold()[:64] for c in countries or [] if isinstance(c, str) and c.strip()
            )
            rows += [{"stub_pk": pk, "role": role, "country": c} for c in folded]
        if len(rows) >= 5000:
            bind.execute(rows_table.insert(), rows)
            rows = []
    if rows:
        bind.execute(rows_table.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stub_references_capture_id"))
    with op.batch_alter_table("stub_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stub_countries_stub_pk"))
        batch_op.drop_index("ix_stub_countries_role_country")
    op.drop_table("stub_countries")
