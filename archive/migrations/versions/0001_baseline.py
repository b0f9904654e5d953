"""Baseline: the schema of release 86ec67a, which made its tables with create_all.

Idempotent: a catalogue made by that release (or an earlier one missing some tables) has
no alembic_version table; each table is created only when absent, then later revisions run.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-28 17:39:37.909537
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _absent(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _absent("archive_pauses"):
        op.create_table(
            "archive_pauses",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("service", sa.String(length=32), nullable=False),
            sa.Column("until", sa.DateTime(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("service"),
        )

    if _absent("captures"):
        op.create_table(
            "captures",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("final_url", sa.Text(), nullable=False),
            sa.Column("fetched_at", sa.DateTime(), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("content_type", sa.String(length=255), nullable=False),
            sa.Column("payload_sha256", sa.String(length=64), nullable=False),
            sa.Column("payload_length", sa.Integer(), nullable=False),
            sa.Column("warc_path", sa.String(length=512), nullable=False),
            sa.Column("warc_offset", sa.Integer(), nullable=False),
            sa.Column("warc_length", sa.Integer(), nullable=False),
            sa.Column("warc_record_id", sa.String(length=100), nullable=False),
            sa.Column("warc_date", sa.String(length=40), nullable=False),
            sa.Column("redirects", sa.JSON(), nullable=False),
            sa.Column("etag", sa.String(length=512), nullable=True),
            sa.Column("last_modified", sa.String(length=100), nullable=True),
            sa.Column("last_seen_at", sa.DateTime(), nullable=False),
            sa.Column("seen_count", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("url", "payload_sha256", name="uq_capture_url_digest"),
        )
        with op.batch_alter_table("captures", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_captures_fetched_at"), ["fetched_at"], unique=False)
            batch_op.create_index(batch_op.f("ix_captures_url"), ["url"], unique=False)

    if _absent("fetch_failures"):
        op.create_table(
            "fetch_failures",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("reason", sa.String(length=64), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("status", sa.Integer(), nullable=True),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_fetch_failures_url"), ["url"], unique=False)

    if _absent("source_runs"):
        op.create_table(
            "source_runs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source", sa.String(length=128), nullable=False),
            sa.Column("started_at", sa.DateTime(), nullable=False),
            sa.Column("ended_at", sa.DateTime(), nullable=True),
            sa.Column("outcome", sa.String(length=16), nullable=False),
            sa.Column("items_found", sa.Integer(), nullable=False),
            sa.Column("errors", sa.Integer(), nullable=False),
            sa.Column("message", sa.Text(), nullable=True),
            sa.Column("pid", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("source_runs", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_source_runs_source"), ["source"], unique=False)
            batch_op.create_index(batch_op.f("ix_source_runs_started_at"), ["started_at"], unique=False)

    if _absent("source_schedule"):
        op.create_table(
            "source_schedule",
            sa.Column("source", sa.String(length=128), nullable=False),
            sa.Column("schedule", sa.String(length=128), nullable=False),
            sa.Column("next_run_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("source"),
        )

    if _absent("source_state"):
        op.create_table(
            "source_state",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=128), nullable=False),
            sa.Column("last_poll_at", sa.DateTime(), nullable=True),
            sa.Column("last_success_at", sa.DateTime(), nullable=True),
            sa.Column("last_error_at", sa.DateTime(), nullable=True),
            sa.Column("last_error", sa.Text(), nullable=True),
            sa.Column("items_found", sa.Integer(), nullable=False),
            sa.Column("polls", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )

    if _absent("stubs"):
        op.create_table(
            "stubs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("stub_id", sa.String(length=32), nullable=False),
            sa.Column("disarm_id", sa.String(length=16), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("incident_type", sa.String(length=32), nullable=False),
            sa.Column("year_started", sa.String(length=8), nullable=False),
            sa.Column("platform", sa.String(length=32), nullable=True),
            sa.Column("origin", sa.JSON(), nullable=False),
            sa.Column("targets", sa.JSON(), nullable=False),
            sa.Column("counts", sa.JSON(), nullable=False),
            sa.Column("notes", sa.Text(), nullable=False),
            sa.Column("found_via", sa.String(length=255), nullable=False),
            sa.Column("date_added", sa.String(length=10), nullable=False),
            sa.Column("first_pub_date", sa.String(length=10), nullable=True),
            sa.Column("reject_reason", sa.Text(), nullable=True),
            sa.Column("merged_into", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("disarm_id"),
            sa.UniqueConstraint("stub_id"),
        )
        with op.batch_alter_table("stubs", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_stubs_status"), ["status"], unique=False)

    if _absent("warc_files"):
        op.create_table(
            "warc_files",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("path", sa.String(length=512), nullable=False),
            sa.Column("committed_size", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("path"),
        )

    if _absent("archive_jobs"):
        op.create_table(
            "archive_jobs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("capture_id", sa.Integer(), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("job_id", sa.String(length=128), nullable=True),
            sa.Column("submitted_at", sa.DateTime(), nullable=True),
            sa.Column("checked_at", sa.DateTime(), nullable=True),
            sa.Column("archive_timestamp", sa.String(length=14), nullable=True),
            sa.Column("archive_link", sa.Text(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["capture_id"],
                ["captures.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("archive_jobs", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_archive_jobs_url"), ["url"], unique=False)

    if _absent("discovered_items"):
        op.create_table(
            "discovered_items",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source", sa.String(length=128), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("decision", sa.String(length=16), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("capture_id", sa.Integer(), nullable=True),
            sa.Column("first_seen_at", sa.DateTime(), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["capture_id"],
                ["captures.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("source", "url", name="uq_discovered_source_url"),
        )
        with op.batch_alter_table("discovered_items", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_discovered_items_source"), ["source"], unique=False)

    if _absent("reports"):
        op.create_table(
            "reports",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("capture_id", sa.Integer(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("extractor_version", sa.String(length=32), nullable=False),
            sa.Column("extracted_at", sa.DateTime(), nullable=False),
            sa.Column("data", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(
                ["capture_id"],
                ["captures.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("capture_id"),
        )
        with op.batch_alter_table("reports", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_reports_url"), ["url"], unique=False)

    if _absent("stub_changes"):
        op.create_table(
            "stub_changes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("stub_pk", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("detail", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["stub_pk"],
                ["stubs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("stub_changes", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_stub_changes_stub_pk"), ["stub_pk"], unique=False)

    if _absent("stub_references"):
        op.create_table(
            "stub_references",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("stub_pk", sa.Integer(), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("normalised_url", sa.Text(), nullable=False),
            sa.Column("capture_id", sa.Integer(), nullable=True),
            sa.Column("pub_date", sa.String(length=10), nullable=False),
            sa.Column("authors", sa.Text(), nullable=False),
            sa.Column("org", sa.String(length=255), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("merge_reason", sa.Text(), nullable=False),
            sa.Column("added_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["capture_id"],
                ["captures.id"],
            ),
            sa.ForeignKeyConstraint(
                ["stub_pk"],
                ["stubs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("normalised_url"),
        )
        with op.batch_alter_table("stub_references", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_stub_references_stub_pk"), ["stub_pk"], unique=False)

    if _absent("wacz_files"):
        op.create_table(
            "wacz_files",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("capture_id", sa.Integer(), nullable=False),
            sa.Column("path", sa.String(length=512), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["capture_id"],
                ["captures.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("capture_id"),
        )


def downgrade() -> None:
    op.drop_table("wacz_files")
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stub_references_stub_pk"))

    op.drop_table("stub_references")
    with op.batch_alter_table("stub_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stub_changes_stub_pk"))

    op.drop_table("stub_changes")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_url"))

    op.drop_table("reports")
    with op.batch_alter_table("discovered_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discovered_items_source"))

    op.drop_table("discovered_items")
    with op.batch_alter_table("archive_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_jobs_url"))

    op.drop_table("archive_jobs")
    op.drop_table("warc_files")
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stubs_status"))

    op.drop_table("stubs")
    op.drop_table("source_state")
    op.drop_table("source_schedule")
    with op.batch_alter_table("source_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_runs_started_at"))
        batch_op.drop_index(batch_op.f("ix_source_runs_source"))

    op.drop_table("source_runs")
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_failures_url"))

    op.drop_table("fetch_failures")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captures_url"))
        batch_op.drop_index(batch_op.f("ix_captures_fetched_at"))

    op.drop_table("captures")
    op.drop_table("archive_pauses")
