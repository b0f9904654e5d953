"""The catalogue: a relational database (SQLite file by default) through SQLAlchemy.

It records what is stored where; the bytes themselves live in WARC files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from . import migrate as schema
from .clock import utcnow
from .errors import ArchiveError, CatalogueError
from .quickread import Reader
from .tables import Capture, FetchFailure


def redact_url(url: str) -> str:
    """The URL with its password replaced by ***, for every message a user or a log may see."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^/@]*?:)[^/@]*@", r"\1***@", url)


def _without_password(url: str, message: str) -> str:
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = None
    message = message.replace(url, redact_url(url))
    return message.replace(str(password), "***") if password else message


class Catalogue:
    """An open catalogue. Opening never changes the schema unless asked: `migrate=True` (what the CLI's
    commands, the daemon, the desk and a worker pass when they start) first brings it to this release's
    revision; without it, a catalogue at another revision is refused with a one-line error naming the
    command that upgrades it, so a library user or an extraction worker never migrates as a side effect."""

    def __init__(self, url: str, *, migrate: bool = False):
        url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)  # psycopg 3, the [postgres] extra
        self.url = url
        self.safe_url = redact_url(url)
        if url.startswith("sqlite:///"):
            db_path = Path(url.removeprefix("sqlite:///"))
            if not migrate and str(db_path) != ":memory:" and not db_path.is_file():
                raise CatalogueError(f"no catalogue at {db_path}: run `takedowns migrate` to create it")
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create catalogue folder {db_path.parent}: {exc.strerror}") from None
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ValueError) as exc:
            raise ArchiveError(_without_password(url, f"invalid catalogue URL {self.safe_url!r}: {exc}")) from None
        except ImportError as exc:
            hint = (
                " (use postgresql+psycopg:// with pip install 'takedown-archiver[postgres]')"
                if url.startswith("postgres")
                else ""
            )
            raise ArchiveError(
                f"cannot open catalogue {self.safe_url}: missing database driver {exc.name or exc}{hint}"
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        event.listen(self.engine, "before_cursor_execute", _storable, retval=True)
        try:
            problem = schema.upgrade(self.engine) if migrate else schema.mismatch(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            detail = (
                str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                if str(exc).strip()
                else exc.__class__.__name__
            )
            raise CatalogueError(
                _without_password(
                    url,
                    f"cannot open catalogue {self.safe_url}: {detail}; check [catalogue] url and that the database is "
                    "up",
                )
            ) from None
        if problem is not None:
            self.engine.dispose()
            raise CatalogueError(f"catalogue {self.safe_url} {problem}")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction that only reads. On SQLite it begins DEFERRED: a WAL reader sees the last
        commit and never waits for a writer (a poll's WARC store commits in a thread meanwhile)."""
        with self._sessions() as s:
            s.connection(execution_options={READ_ONLY: True})  # begins the transaction
            yield s
            s.commit()  # as `session` does (a write slipped in would take the lock here, never be lost)

    def serialise(self, s: Session, name: str) -> None:
        """Make this transaction wait for, and then exclude, others that serialise on `name`.

        For read-then-write steps that several processes may run at once (stub
        matching and ids, a report row per capture). PostgreSQL: an advisory lock held
        until the transaction ends. SQLite: nothing to do, every transaction already
        begins IMMEDIATE, one writer at a time.
        """
        if s.get_bind().dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A pooled driver connection for the plain-SQL reads in archive.quickread (status, stub listings)."""
        connection = self.engine.raw_connection()
        try:
            yield Reader(connection, self.engine.dialect.paramstyle)
        finally:
            connection.close()  # back to the pool, which rolls back what the reads opened

    def dispose(self) -> None:
        self.engine.dispose()

    # --- queries used by several commands -------------------------------------------

    def find_capture(self, s: Session, url: str, payload_sha256: str, rendered: bool = False) -> Capture | None:
        return s.scalar(
            select(Capture).where(
                Capture.url == url, Capture.payload_sha256 == payload_sha256, Capture.rendered == rendered
            )
        )

    def latest_capture(self, s: Session, url: str, rendered: bool | None = None) -> Capture | None:
        """The newest capture of `url` (as asked for or after redirects); `rendered`: only browser (or only plain)
        captures."""
        q = select(Capture).where((Capture.url == url) | (Capture.final_url == url))
        if rendered is not None:
            q = q.where(Capture.rendered == rendered)
        return s.scalar(q.order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))

    def require_latest_capture(self, s: Session, url: str) -> Capture:
        """The latest capture of `url`, or an ArchiveError telling the user to fetch it first."""
        capture = self.latest_capture(s, url)
        if capture is None:
            raise ArchiveError(f"no stored capture of {url}: run `takedowns fetch {url}` first")
        return capture

    def list_captures(self, s: Session, url: str | None = None) -> list[Capture]:
        q = select(Capture).order_by(Capture.fetched_at, Capture.id)
        if url:
            q = q.where((Capture.url == url) | (Capture.final_url == url))
        return list(s.scalars(q))

    def record_failure(self, url: str, reason: str, message: str, status: int | None, attempts: int = 1) -> None:
        with self.session() as s:
            s.add(
                FetchFailure(
                    url=url,
                    at=utcnow(),
                    reason=reason,
                    message=message,
                    status=status,
                    attempts=attempts,
                )
            )


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
    dbapi_conn.isolation_level = None  # the driver's own implicit BEGIN is replaced by _sqlite_begin_immediate
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a commit survives the process being killed at any point; only a
    # power loss may undo the last commits, which then leaves WARC bytes past a file's
    # committed_size (moved into quarantine by WarcStore.recover) and never a row pointing at missing bytes,
    # since WARC appends are fsynced before the commit. FULL fsynced the WAL on every one
    # of a poll's 5-7 commits per item (bench/pipeline.py).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _storable(
    conn: Connection,
    cursor: DBAPICursor,
    statement: str,
    parameters: Any,
    context: object,
    executemany: bool,
) -> tuple[str, Any]:
    """Every written text value without NUL and with lone surrogates as U+FFFD, on every back-end.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), and neither
    back-end can encode a lone surrogate (a JSON feed's "\\ud800" decodes to one), which
    failed a whole poll. Fetched pages, feeds and PDFs may hold either; one place, so no
    table or column can miss it, and both back-ends store the same text.
    """
    return statement, _clean(parameters)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        if value.isascii():
            return value.replace("\x00", "") if "\x00" in value else value
        return _UNSTORABLE.sub(_replacement, value) if _UNSTORABLE.search(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def _replacement(match: re.Match[str]) -> str:
    return "" if match.group() == "\x00" else "\ufffd"


READ_ONLY = "takedowns_read_only"  # execution option of `Catalogue.read_session`


def _sqlite_begin_immediate(conn: Connection) -> None:
    """Every SQLite transaction but a `read_session` takes the write lock when it begins, waiting up to busy_timeout.

    A deferred transaction that reads, then writes, fails at once with "database is
    locked" when another process wrote in between (WAL snapshot upgrade, no busy wait),
    and two processes could both read "not there yet" and both insert. Writers here are
    short, so taking the lock up front costs little and makes every read-then-write atomic.
    """
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")
