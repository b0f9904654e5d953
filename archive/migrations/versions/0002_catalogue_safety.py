"""catalogue safety: 64-bit WARC offsets, unbounded header text, item retries

Revision ID: 0002_catalogue_safety
Revises: 0001_baseline
Create Date: 2026-11-28 17:40:43.686930
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_catalogue_safety"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.alter_column(
            "content_type",
            existing_type=sa.VARCHAR(length=255),
            type_=sa.Text(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "payload_length",
            existing_type=sa.INTEGER(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "warc_offset",
            existing_type=sa.INTEGER(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "warc_length",
            existing_type=sa.INTEGER(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "etag",
            existing_type=sa.VARCHAR(length=512),
            type_=sa.Text(),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "last_modified",
            existing_type=sa.VARCHAR(length=100),
            type_=sa.Text(),
            existing_nullable=True,
        )

    with op.batch_alter_table("discovered_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=32), server_default="", nullable=False))
        batch_op.add_column(sa.Column("tries", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_try_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("warc_files", schema=None) as batch_op:
        batch_op.alter_column(
            "committed_size",
            existing_type=sa.INTEGER(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("warc_files", schema=None) as batch_op:
        batch_op.alter_column(
            "committed_size",
            existing_type=sa.BigInteger(),
            type_=sa.INTEGER(),
            existing_nullable=False,
        )

    with op.batch_alter_table("discovered_items", schema=None) as batch_op:
        batch_op.drop_column("next_try_at")
        batch_op.drop_column("tries")
        batch_op.drop_column("stage")

    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.alter_column(
            "last_modified",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=100),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "etag",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=512),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "warc_length",
            existing_type=sa.BigInteger(),
            type_=sa.INTEGER(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "warc_offset",
            existing_type=sa.BigInteger(),
            type_=sa.INTEGER(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "payload_length",
            existing_type=sa.BigInteger(),
            type_=sa.INTEGER(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "content_type",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=255),
            existing_nullable=False,
        )
