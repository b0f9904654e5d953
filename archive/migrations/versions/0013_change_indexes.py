"""Indexes that find what changed since a time: `stubs export --since`

Revision ID: 0013_change_indexes
Revises: 0012_row_counts
Create Date: 2026-11-29 08:10:00

A stub's exported record changes when the stub does (`stubs.updated_at`, already indexed),
when a curator decides one of its techniques (`stub_techniques.decided_at`) and when the
archive link of a URL it cites resolves (`archive_jobs` success, `checked_at`, then the
citing `stub_references.url`). Each of these is now an index range or lookup, so exporting
the stubs changed since a time reads what changed, not the whole catalogue.
`archive_jobs (status, checked_at)` replaces the index on `status` alone (its prefix still
serves the pending count).
"""

from __future__ import annotations

from alembic import op

revision = "0013_change_indexes"
down_revision = "0012_row_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_archive_jobs_status", table_name="archive_jobs")
    op.create_index("ix_archive_jobs_status_checked", "archive_jobs", ["status", "checked_at"])
    op.create_index("ix_stub_references_url", "stub_references", ["url"])
    op.create_index("ix_stub_techniques_decided_at", "stub_techniques", ["decided_at"])


def downgrade() -> None:
    op.drop_index("ix_stub_techniques_decided_at", table_name="stub_techniques")
    op.drop_index("ix_stub_references_url", table_name="stub_references")
    op.drop_index("ix_archive_jobs_status_checked", table_name="archive_jobs")
    op.create_index("ix_archive_jobs_status", "archive_jobs", ["status"])
