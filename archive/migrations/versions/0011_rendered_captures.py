"""captures.rendered: a browser capture and a plain capture of the same URL are two captures

Revision ID: 0011_rendered_captures
Revises: 0010_reference_report_digest
Create Date: 2026-11-29 03:10:00

A URL fetched plain and then with --render (or the reverse) gave one catalogue row keyed by
(url, payload digest): the rendered block took the plain capture's row over. Each kind of
capture is now its own row, keyed by (url, payload digest, rendered). Rows stored before
this revision start as plain; a rendered one among them (its WARC block says so) is marked
rendered when it is next looked up (scraper.pipeline.snapshot.store_capture).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_rendered_captures"
down_revision = "0010_reference_report_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("rendered", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.drop_constraint("uq_capture_url_digest", type_="unique")
        batch.create_unique_constraint("uq_capture_url_digest_rendered", ["url", "payload_sha256", "rendered"])


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.drop_constraint("uq_capture_url_digest_rendered", type_="unique")
        batch.create_unique_constraint("uq_capture_url_digest", ["url", "payload_sha256"])
        batch.drop_column("rendered")
