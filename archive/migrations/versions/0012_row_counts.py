"""row_counts and report_months, kept by triggers: totals and the desk's chart without a scan; two indexes

Revision ID: 0012_row_counts
Revises: 0011_rendered_captures
Create Date: 2026-11-29 05:30:00

`status` and the desk's sources page counted captures, distinct capture URLs, reports and
fetch failures, and grouped every report by month and platform, on each call: a scan that
grows with the archive. Triggers now keep those numbers as rows change, whoever writes
(the ORM, a bulk insert, another process), and the readers read a handful of rows.

PostgreSQL triggers fire once per statement over its transition table, so a bulk insert
updates each count once. A capture URL counts once: each URL's advisory lock serialises two
transactions that store the same new URL, and the second sees the first's row once it
holds the lock (READ COMMITTED takes a fresh snapshot per statement).
Months are upserted in key order, so two writers lock count rows in the same order.

Indexes on archive_jobs.status (the pending count) and stubs.platform (the desk's menu of
platforms, read by skipping from one value to the next).

A later migration that recreates `captures`, `reports` or `fetch_failures` on SQLite
(batch mode) drops these triggers with the table and must create them again;
tests/archive/test_row_counts.py fails if they are missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_row_counts"
down_revision = "0011_rendered_captures"
branch_labels = None
depends_on = None

COUNTED = ("captures", "reports", "fetch_failures")

_SQLITE = [
    """CREATE TRIGGER row_counts_captures_insert AFTER INSERT ON captures BEGIN
         UPDATE row_counts SET n = n + 1 WHERE name = 'captures';
         UPDATE row_counts SET n = n + 1 WHERE name = 'urls'
           AND NOT EXISTS (SELECT 1 FROM captures WHERE url = new.url AND id <> new.id);
       END""",
    """CREATE TRIGGER row_counts_captures_delete AFTER DELETE ON captures BEGIN
         UPDATE row_counts SET n = n - 1 WHERE name = 'captures';
         UPDATE row_counts SET n = n - 1 WHERE name = 'urls'
           AND NOT EXISTS (SELECT 1 FROM captures WHERE url = old.url);
       END""",
    """CREATE TRIGGER row_counts_fetch_failures_insert AFTER INSERT ON fetch_failures BEGIN
         UPDATE row_counts SET n = n + 1 WHERE name = 'fetch_failures';
       END""",
    """CREATE TRIGGER row_counts_fetch_failures_delete AFTER DELETE ON fetch_failures BEGIN
         UPDATE row_counts SET n = n - 1 WHERE name = 'fetch_failures';
       END""",
    """CREATE TRIGGER row_counts_reports_insert AFTER INSERT ON reports BEGIN
         UPDATE row_counts SET n = n + 1 WHERE name = 'reports';
         INSERT INTO report_months (pub_month, platform, n) SELECT new.pub_month, new.platform, 0
           WHERE NOT EXISTS (SELECT 1 FROM report_months WHERE pub_month = new.pub_month AND platform = new.platform);
         UPDATE report_months SET n = n + 1 WHERE pub_month = new.pub_month AND platform = new.platform;
       END""",
    """CREATE TRIGGER row_counts_reports_update AFTER UPDATE OF pub_month, platform ON reports
       WHEN old.pub_month IS NOT new.pub_month OR old.platform IS NOT new.platform BEGIN
         UPDATE report_months SET n = n - 1 WHERE pub_month = old.pub_month AND platform = old.platform;
         INSERT INTO report_months (pub_month, platform, n) SELECT new.pub_month, new.platform, 0
           WHERE NOT EXISTS (SELECT 1 FROM report_months WHERE pub_month = new.pub_month AND platform = new.platform);
         UPDATE report_months SET n = n + 1 WHERE pub_month = new.pub_month AND platform = new.platform;
       END""",
    """CREATE TRIGGER row_counts_reports_delete AFTER DELETE ON reports BEGIN
         UPDATE row_counts SET n = n - 1 WHERE name = 'reports';
         UPDATE report_months SET n = n - 1 WHERE pub_month = old.pub_month AND platform = old.platform;
       END""",
]


def _months_upsert(rows: str) -> str:
    """Add the signed rows `(pub_month, platform, d)` to report_months, in key order."""
    return f"""INSERT INTO report_months (pub_month, platform, n)
         SELECT pub_month, platform, sum(d) FROM ({rows}) AS changes GROUP BY pub_month, platform
         HAVING sum(d) <> 0 ORDER BY pub_month, platform
         ON CONFLICT (pub_month, platform) DO UPDATE SET n = report_months.n + excluded.n"""


def _pg_function(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nRETURN NULL;\nEND $$"


_PG = [
    _pg_function(
        "row_counts_inserted",
        """
        UPDATE row_counts SET n = n + counted.k FROM (SELECT count(*) AS k FROM new_rows) AS counted
          WHERE name = TG_TABLE_NAME AND counted.k > 0;""",
    ),
    _pg_function(
        "row_counts_deleted",
        """
        UPDATE row_counts SET n = n - counted.k FROM (SELECT count(*) AS k FROM old_rows) AS counted
          WHERE name = TG_TABLE_NAME AND counted.k > 0;""",
    ),
    _pg_function(
        "row_counts_capture_urls_inserted",
        """
        PERFORM pg_advisory_xact_lock(hashtext(url)) FROM (SELECT DISTINCT url FROM new_rows ORDER BY url) AS u;
        UPDATE row_counts SET n = n + fresh.k FROM (
            SELECT count(*) AS k FROM (SELECT DISTINCT url FROM new_rows) AS u
            WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.url = u.url AND c.id NOT IN (SELECT id FROM new_rows))
          ) AS fresh WHERE name = 'urls' AND fresh.k > 0;""",
    ),
    _pg_function(
        "row_counts_capture_urls_deleted",
        """
        PERFORM pg_advisory_xact_lock(hashtext(url)) FROM (SELECT DISTINCT url FROM old_rows ORDER BY url) AS u;
        UPDATE row_counts SET n = n - gone.k FROM (
            SELECT count(*) AS k FROM (SELECT DISTINCT url FROM old_rows) AS u
            WHERE NOT EXISTS (SELECT 1 FROM captures c WHERE c.url = u.url)
          ) AS gone WHERE name = 'urls' AND gone.k > 0;""",
    ),
    _pg_function("report_months_inserted", _months_upsert("SELECT pub_month, platform, 1 AS d FROM new_rows") + ";"),
    _pg_function("report_months_deleted", _months_upsert("SELECT pub_month, platform, -1 AS d FROM old_rows") + ";"),
    _pg_function(
        "report_months_updated",
        _months_upsert(
            "SELECT pub_month, platform, 1 AS d FROM new_rows UNION ALL SELECT pub_month, platform, -1 AS d FROM"
            " old_rows"
        )
        + ";",
    ),
]
_PG_TRIGGERS = [  # (trigger, event, table, transition tables, function)
    *[(f"row_counts_{t}_insert", "INSERT", t, "NEW TABLE AS new_rows", "row_counts_inserted") for t in COUNTED],
    *[(f"row_counts_{t}_delete", "DELETE", t, "OLD TABLE AS old_rows", "row_counts_deleted") for t in COUNTED],
    ("row_counts_urls_insert", "INSERT", "captures", "NEW TABLE AS new_rows", "row_counts_capture_urls_inserted"),
    ("row_counts_urls_delete", "DELETE", "captures", "OLD TABLE AS old_rows", "row_counts_capture_urls_deleted"),
    ("report_months_insert", "INSERT", "reports", "NEW TABLE AS new_rows", "report_months_inserted"),
    ("report_months_delete", "DELETE", "reports", "OLD TABLE AS old_rows", "report_months_deleted"),
    (
        "report_months_update",
        "UPDATE",
        "reports",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "report_months_updated",
    ),
]


def upgrade() -> None:
    op.create_table(
        "row_counts",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "report_months",
        sa.Column("pub_month", sa.String(length=7), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pub_month", "platform"),
    )
    with op.batch_alter_table("archive_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_jobs_status"), ["status"], unique=False)
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stubs_platform"), ["platform"], unique=False)
    # The counts start from the rows already stored; the triggers carry them on.
    op.execute("INSERT INTO row_counts (name, n) SELECT 'captures', COUNT(*) FROM captures")
    op.execute("INSERT INTO row_counts (name, n) SELECT 'urls', COUNT(DISTINCT url) FROM captures")
    op.execute("INSERT INTO row_counts (name, n) SELECT 'reports', COUNT(*) FROM reports")
    op.execute("INSERT INTO row_counts (name, n) SELECT 'fetch_failures', COUNT(*) FROM fetch_failures")
    op.execute(
        "INSERT INTO report_months (pub_month, platform, n) SELECT pub_month, platform, COUNT(*) FROM reports GROUP BY"
        " pub_month, platform"
    )
    if op.get_bind().dialect.name == "postgresql":
        for sql in _PG:
            op.execute(sql)
        for trigger, event, table, transition, function in _PG_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    else:
        for sql in _SQLITE:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, _event, table, _transition, _function in _PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for sql in _PG:
            op.execute(f"DROP FUNCTION IF EXISTS {sql.split()[2]}")
    else:
        for sql in _SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS {sql.split()[2]}")
    with op.batch_alter_table("archive_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_jobs_status"))
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stubs_platform"))
    op.drop_table("report_months")
    op.drop_table("row_counts")
