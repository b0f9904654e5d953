"""Full-text search over report titles and clean text.

SQLite: an FTS5 table kept in step with `reports` by triggers (so the daemon's
writes are indexed too), filled once for reports stored before it existed.
PostgreSQL: a `tsvector` expression with a GIN index on the same text.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, TextClause, select, text
from sqlalchemy.engine import Engine

from archive.tables import ReportRow, StubReference

_SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS report_fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')",
    """CREATE TRIGGER IF NOT EXISTS report_fts_insert AFTER INSERT ON reports BEGIN
         INSERT INTO report_fts(rowid, title, body)
         VALUES (new.id, coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_extract(new.data, '$.text'), ''));
       END""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_update AFTER UPDATE OF data ON reports BEGIN
         DELETE FROM report_fts WHERE rowid = old.id;
         INSERT INTO report_fts(rowid, title, body)
         VALUES (new.id, coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_extract(new.data, '$.text'), ''));
       END""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_delete AFTER DELETE ON reports BEGIN
         DELETE FROM report_fts WHERE rowid = old.id;
       END""",
    """INSERT INTO report_fts(rowid, title, body)
       SELECT id, coalesce(json_extract(data, '$.title'), ''), coalesce(json_extract(data, '$.text'), '')
       FROM reports WHERE id NOT IN (SELECT rowid FROM report_fts)""",
]
_PG_DOCUMENT = "to_tsvector('english', coalesce(data::json->>'title', '') || ' ' || coalesce(data::json->>'text', ''))"
_PG_SETUP = [f"CREATE INDEX IF NOT EXISTS ix_reports_fulltext ON reports USING gin (({_PG_DOCUMENT}))"]


def prepare(engine: Engine) -> None:
    """Create the index (idempotent) and catch up with reports stored before it."""
    statements = _SQLITE_SETUP if engine.dialect.name == "sqlite" else _PG_SETUP if engine.dialect.name == "postgresql" else []
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def fts5_query(words: str) -> str:
    """User words as an FTS5 query of quoted terms (all must match): no operator injection."""
    terms = [t for t in re.split(r"\s+", words.strip()) if t]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def matching_stub_pks(dialect: str, words: str) -> Select:
    """Stub primary keys whose reports' title or clean text match `words`."""
    if dialect == "sqlite":
        reports = select(text("rowid")).select_from(text("report_fts")).where(text("report_fts MATCH :q").bindparams(q=fts5_query(words)))
        hit: ColumnElement[bool] | TextClause = ReportRow.id.in_(reports)
    else:
        hit = text(f"{_PG_DOCUMENT} @@ plainto_tsquery('english', :q)").bindparams(q=words)
    return (
        select(StubReference.stub_pk)
        .join(ReportRow, ReportRow.capture_id == StubReference.capture_id)
        .where(hit)
    )
