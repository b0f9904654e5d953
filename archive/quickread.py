"""Catalogue reads on the database driver alone, without SQLAlchemy.

`takedowns status` is the container health check and `stubs list` the command curators
type most; both must answer in under 0.5 s, and importing SQLAlchemy costs about that
much CPU by itself. So the queries behind a status (source health, totals) and a stub
listing live here, once, as plain SQL on a DB-API connection. The CLI opens its own
read-only connection (`open_reader`); the daemon and the desk borrow one from the
Catalogue's pool (`Catalogue.reader()`). Only a catalogue already at the newest schema
revision is read this way; anything else goes through the Catalogue, which the CLI opens
with `migrate=True`. tests/archive/test_quickread_equals_orm.py holds every query here
equal to an ORM counterpart (archive/tables.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
RUN_OK, RUN_ERROR = "ok", "error"  # source_runs.outcome values the health summary reads
PENDING = "pending"  # the Archive cell of a reference with no Wayback link yet


def newest_file_revision() -> str:
    """The newest revision by its file name (`0006_...`): revisions are numbered and linear (a test checks
    it equals Alembic's head), so a catalogue already there is recognised without importing Alembic."""
    return max(p.stem for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


class Reader:
    """A DB-API connection plus its parameter style; queries are written with `?` placeholders."""

    def __init__(self, connection: Any, paramstyle: str):
        self.connection = connection
        self.qmark = paramstyle == "qmark"

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql if self.qmark else sql.replace("?", "%s"), tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None


@contextmanager
def open_reader(url: str) -> Iterator[Reader | None]:
    """A read-only connection of our own when `url` names a catalogue at the newest revision, else None.

    None means "open the Catalogue instead": the file does not exist yet, its schema is older,
    the back-end is neither SQLite nor PostgreSQL, or connecting failed (the Catalogue then
    gives the one-line error).
    """
    connection = _connect(url)
    if connection is None:
        yield None
        return
    try:
        reader = Reader(connection, "qmark" if isinstance(connection, sqlite3.Connection) else "format")
        try:
            current = reader.value("SELECT version_num FROM alembic_version") == newest_file_revision()
        except Exception:  # no alembic_version table yet, or the driver's own error: let the Catalogue decide
            current = False
        yield reader if current else None
    finally:
        connection.close()


def _connect(url: str) -> Any:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return None
        return connection
    match = re.match(r"^postgres(?:ql)?(?:\+psycopg)?://", url)
    if match is None:
        return None
    try:
        import psycopg  # the [postgres] extra; lighter than SQLAlchemy plus psycopg
    except ImportError:
        return None
    try:
        return psycopg.connect("postgresql://" + url[match.end() :], autocommit=True, connect_timeout=10)
    except psycopg.Error:
        return None


def _when(value: Any) -> datetime | None:
    """Naive UTC, as stored: SQLite hands back SQLAlchemy's text form, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _json(value: Any, empty: Any) -> Any:
    """SQLite hands back JSON columns as text, PostgreSQL as parsed values."""
    if value is None:
        return empty
    return json.loads(value) if isinstance(value, str | bytes) else value


# -- source health: the one record `status`, `sources` and the desk read -------------------


@dataclass
class SourceHealth:
    source: str
    runs: int = 0
    last_run_at: datetime | None = None
    last_outcome: str | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    items_found_last: int = 0
    items_found_total: int = 0
    failing_since: datetime | None = None  # first error after the last success
    next_run_at: datetime | None = None
    schedule: str | None = None

    def failing_for(self, now: datetime) -> timedelta | None:
        return (now - self.failing_since) if self.failing_since else None


def _latest_per_source(outcome: str | None) -> str:
    where = "WHERE outcome = ?" if outcome else ""
    newest = f"SELECT source, MAX(id) AS id FROM source_runs {where} GROUP BY source"
    return (
        "SELECT r.source, r.id, r.started_at, r.ended_at, r.outcome, r.items_found, r.message "
        f"FROM source_runs r JOIN ({newest}) m ON r.id = m.id"
    )


def source_health(reader: Reader) -> dict[str, SourceHealth]:
    """Every source with runs or a schedule, summarised in a fixed number of queries (none per source)."""
    health: dict[str, SourceHealth] = {}

    def of(name: str) -> SourceHealth:
        return health.setdefault(name, SourceHealth(source=name))

    for name, runs, items in reader.rows(
        "SELECT source, COUNT(id), COALESCE(SUM(items_found), 0) FROM source_runs GROUP BY source"
    ):
        of(name).runs, of(name).items_found_total = int(runs), int(items)
    last = {r[0]: r for r in reader.rows(_latest_per_source(None))}
    ok = {r[0]: r for r in reader.rows(_latest_per_source(RUN_OK), (RUN_OK,))}
    err = {r[0]: r for r in reader.rows(_latest_per_source(RUN_ERROR), (RUN_ERROR,))}
    since = dict(
        reader.rows(
            "SELECT r.source, MIN(r.started_at) FROM source_runs r WHERE r.outcome = ? AND r.id > "
            "COALESCE((SELECT MAX(o.id) FROM source_runs o WHERE o.source = r.source AND o.outcome = ?), 0) GROUP BY "
            "r.source",
            (RUN_ERROR, RUN_OK),
        )
    )
    for name, row in last.items():
        h = of(name)
        h.last_run_at, h.last_outcome = _when(row[2]), row[4]
        if name in ok:
            h.last_success_at, h.items_found_last = _when(ok[name][3]), int(ok[name][5] or 0)
        if name in err:
            h.last_error_at, h.last_error = _when(err[name][3]), err[name][6]
            if name not in ok or err[name][1] > ok[name][1]:
                h.failing_since = _when(since.get(name))
    for name, schedule, next_run_at in reader.rows("SELECT source, schedule, next_run_at FROM source_schedule"):
        h = of(name)
        h.schedule, h.next_run_at = schedule, _when(next_run_at)
    return health


def totals(reader: Reader) -> dict[str, Any]:
    """Catalogue totals for `status`, in three queries that read no growing table whole:
    the row counts are kept by triggers (migration 0012), pending jobs and stubs by index."""
    counted = dict(reader.rows("SELECT name, n FROM row_counts"))
    pending, warcs = reader.rows(
        "SELECT (SELECT COUNT(id) FROM archive_jobs WHERE status = ?), (SELECT COUNT(id) FROM warc_files)", ("pending",)
    )[0]
    stubs = {status: int(n) for status, n in reader.rows("SELECT status, COUNT(id) FROM stubs GROUP BY status")}
    return {
        "captures": int(counted.get("captures", 0)), "urls": int(counted.get("urls", 0)),
        "reports": int(counted.get("reports", 0)),
        "fetch_failures": int(counted.get("fetch_failures", 0)), "archive_jobs_pending": int(pending), "stubs": stubs,
        "warc_files": int(warcs),
    }  # fmt: skip


# -- stub listing: `stubs list` and `stubs show --json` -------------------------------------


@dataclass
class StubRow:
    """A stub as curators list it: its fields and its references with their archive links."""

    id: str
    disarm_id: str | None
    status: str
    name: str
    summary: str
    platform: str | None
    origin: list[str]
    targets: list[str]
    counts: dict[str, int]
    year_started: str
    date_added: str
    found_via: str
    reject_reason: str | None
    merged_into: str | None
    edited_fields: list[str]
    counts_disagree: bool = False  # a cited report states counts that differ from the lead report's
    references: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


STUB_COLUMNS = (
    "id, stub_id, disarm_id, status, name, summary, platform, origin, targets, counts, year_started, date_added, "
    "found_via, reject_reason, merged_into, edited_fields, counts_disagree"
)


def stub_rows(reader: Reader, *, status: str | None = None, stub_pk: int | None = None) -> list[StubRow]:
    """Stubs oldest first (all, one status, or one stub), in three queries whatever their number."""
    where, params = (
        ("WHERE status = ?", [status]) if status else ("WHERE id = ?", [stub_pk]) if stub_pk is not None else ("", [])
    )
    return _load(reader, f"SELECT id FROM stubs {where}", params, newest_first=False)


@dataclass
class StubPage:
    """One page of a listing, newest first: `rows` are stubs `offset + 1` .. `offset + len(rows)` of `total`."""

    rows: list[StubRow]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        """Stubs after this page."""
        return max(0, self.total - self.offset - len(self.rows))


def stub_page(reader: Reader, *, status: str | None = None, limit: int | None = None, offset: int = 0) -> StubPage:
    """The newest stubs (by creation), skipping `offset`, at most `limit` (None: all), and how many match in all.

    Four queries whatever the catalogue's size: the page's ids come from the primary key
    (or the status index) in descending order, so a page costs what it shows.
    """
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    total = int(reader.value(f"SELECT COUNT(id) FROM stubs {where}", params) or 0)
    window = " LIMIT ? OFFSET ?" if limit is not None else (" LIMIT -1 OFFSET ?" if reader.qmark else " OFFSET ?")
    bounds = [limit, offset] if limit is not None else [offset]
    chosen = f"SELECT id FROM stubs {where} ORDER BY id DESC{window}"
    return StubPage(_load(reader, chosen, [*params, *bounds], newest_first=True), total, offset)


def _load(reader: Reader, chosen: str, params: list[Any], *, newest_first: bool) -> list[StubRow]:
    """The stubs whose ids `chosen` selects, with their references and archive links, in three queries."""
    order = "DESC" if newest_first else "ASC"
    stubs: dict[int, StubRow] = {}
    for r in reader.rows(f"SELECT {STUB_COLUMNS} FROM stubs WHERE id IN ({chosen}) ORDER BY id {order}", params):
        stubs[r[0]] = StubRow(
            id=r[1], disarm_id=r[2], status=r[3], name=r[4], summary=r[5], platform=r[6],
            origin=_json(r[7], []), targets=_json(r[8], []), counts=_json(r[9], {}), year_started=r[10],
            date_added=r[11], found_via=r[12], reject_reason=r[13], merged_into=r[14], edited_fields=_json(r[15], []),
            counts_disagree=bool(r[16]),
        )  # fmt: skip
    if not stubs:
        return []
    links: dict[str, str] = {}
    for url, link in reader.rows(
        "SELECT url, archive_link FROM archive_jobs WHERE status = ? AND archive_link IS NOT NULL "
        f"AND url IN (SELECT url FROM stub_references WHERE stub_pk IN ({chosen})) ORDER BY id",
        ["success", *params],
    ):
        links[url] = link  # the newest success wins
    for stub_pk_, url, pub_date, authors, org, reason, merged_from, part, primary, counts in reader.rows(
        "SELECT stub_pk, url, pub_date, authors, org, merge_reason, merged_from, part, is_primary, counts"
        f" FROM stub_references WHERE stub_pk IN ({chosen}) ORDER BY id",
        params,
    ):
        stubs[stub_pk_].references.append(
            {
                "url": url,
                "pub_date": pub_date,
                "authors": authors,
                "org": org,
                "archive": links.get(url, PENDING),
                "merge_reason": reason,
                "merged_from": merged_from,
                "part": part,
                "primary": bool(primary),
                "counts": _json(counts, None),
            }
        )
    return list(stubs.values())
