"""The catalogue: a relational database (SQLite file by default) through SQLAlchemy.

It records what is stored where; the bytes themselves live in WARC files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from scraper.errors import CatalogueError, UserError

from .tables import Base, Capture, FetchFailure


def utcnow() -> datetime:
    """Naive UTC timestamp (SQLite stores no zone; everything here is UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Catalogue:
    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///"):
            db_path = Path(url.removeprefix("sqlite:///"))
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UserError(f"cannot create catalogue folder {db_path.parent}: {exc.strerror}") from None
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise UserError(f"invalid catalogue URL {url!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise CatalogueError(f"cannot open catalogue {url}: {getattr(exc, 'orig', None) or exc}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()

    # --- queries used by several commands -------------------------------------------

    def find_capture(self, s: Session, url: str, payload_sha256: str) -> Capture | None:
        return s.scalar(select(Capture).where(Capture.url == url, Capture.payload_sha256 == payload_sha256))

    def latest_capture(self, s: Session, url: str) -> Capture | None:
        return s.scalar(
            select(Capture)
            .where((Capture.url == url) | (Capture.final_url == url))
            .order_by(Capture.fetched_at.desc(), Capture.id.desc())
            .limit(1)
        )

    def require_latest_capture(self, s: Session, url: str) -> Capture:
        """The latest capture of `url`, or a UserError telling the user to fetch it first."""
        capture = self.latest_capture(s, url)
        if capture is None:
            raise UserError(f"no stored capture of {url}: run `takedowns fetch {url}` first")
        return capture

    def list_captures(self, s: Session, url: str | None = None) -> list[Capture]:
        q = select(Capture).order_by(Capture.fetched_at, Capture.id)
        if url:
            q = q.where((Capture.url == url) | (Capture.final_url == url))
        return list(s.scalars(q))

    def record_failure(self, url: str, reason: str, message: str, status: int | None, attempts: int = 1) -> None:
        with self.session() as s:
            s.add(FetchFailure(url=url, at=utcnow(), reason=reason, message=message, status=status, attempts=attempts))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
