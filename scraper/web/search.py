"""Full-text search over report titles and clean text.

SQLite: an FTS5 table kept in step with `reports` by triggers (so the daemon's
writes are indexed too), filled once for reports stored before it existed.
PostgreSQL: a `tsvector` expression with a GIN index on the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, CompoundSelect, Select, func, literal_column, or_, select, text, union
from sqlalchemy.engine import Engine

from archive.tables import ReportRow, Stub, StubReference

_SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS report_fts USING fts5(title, body, tokenize='porter unicode61 "
    "remove_diacritics 2')",
    """CREATE TRIGGER IF NOT EXISTS report_fts_insert AFTER INSERT ON reports BEGIN
         INSERT INTO report_fts(rowid, title, body)
         VALUES (new.id, coalesce(json_extract(new.data, '$.title'), ''),
                 coalesce(json_extract(new.data, '$.text'), ''));
       END""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_update AFTER UPDATE OF data ON reports BEGIN
         DELETE FROM report_fts WHERE rowid = old.id;
         INSERT INTO report_fts(rowid, title, body)
         VALUES (new.id, coalesce(json_extract(new.data, '$.title'), ''),
                 coalesce(json_extract(new.data, '$.text'), ''));
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
    statements = (
        _SQLITE_SETUP if engine.dialect.name == "sqlite" else _PG_SETUP if engine.dialect.name == "postgresql" else []
    )
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def fts5_query(words: str) -> str:
    """User words as an FTS5 query of quoted terms (all must match): no operator injection."""
    terms = [t for t in re.split(r"\s+", words.strip()) if t]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


CAP = 500  # matching reports (and stub names) a search reads for its first pages; beyond, the count shows "500+"


@dataclass(frozen=True)
class Candidates:
    """The stubs a search can list: those of the newest `window` matching reports and the
    newest `window` stubs whose name contains the words. `capped` is true when either
    stream was cut at `window`, i.e. more may match than the page can count."""

    pks: CompoundSelect
    capped: ColumnElement[bool]


def window_for(offset: int, page_size: int) -> int:
    """How many matches a page reads: CAP for the first pages, growing with deeper pages only."""
    return max(CAP, 4 * (offset + page_size))


def matching_reports(dialect: str, words: str, window: int) -> Select:
    """Ids of the newest `window` reports whose title or clean text match `words`.

    SQLite's FTS5 walks its index in rowid order and stops at the LIMIT, so the cost
    is the window's, not the match set's. PostgreSQL reads the GIN index's matches
    and keeps the top ids."""
    if dialect == "sqlite":
        return (
            select(literal_column("rowid").label("id"))
            .select_from(text("report_fts"))
            .where(text("report_fts MATCH :q").bindparams(q=fts5_query(words)))
            .order_by(literal_column("rowid").desc())
            .limit(window)
        )
    hit = text(f"{_PG_DOCUMENT} @@ plainto_tsquery('english', :q)").bindparams(q=words)
    return select(ReportRow.id).where(hit).order_by(ReportRow.id.desc()).limit(window)


def candidates(dialect: str, words: str, window: int) -> Candidates:
    """Stub pks of the newest matching reports and names (at most `window` of each)."""
    reports = matching_reports(dialect, words, window).cte("hits")
    named = (
        select(Stub.id)
        .where(Stub.name.ilike("%" + words.replace("%", "") + "%"))
        .order_by(Stub.id.desc())
        .limit(window)
        .cte("named")
    )
    by_report = (
        select(StubReference.stub_pk)
        .join(ReportRow, ReportRow.capture_id == StubReference.capture_id)
        .where(ReportRow.id.in_(select(reports.c.id)))
    )
    capped = or_(
        select(func.count()).select_from(reports).scalar_subquery() >= window,
        select(func.count()).select_from(named).scalar_subquery() >= window,
    )
    return Candidates(union(by_report, select(named.c.id)), capped)
