"""Schema migrations (Alembic), applied under a lock by whoever opens the catalogue with `migrate=True`.

Every CLI command, the daemon, the desk and a worker migrate when they start, so any of
them may be the first to see a new release: the one that takes the lock upgrades, the
others wait and find it done. Anything else (a library user, an extraction worker) opens
the catalogue as it is and is refused, in one line, when its revision is not this
release's (`mismatch`). SQLite is locked with `flock` on a file beside the database;
PostgreSQL with a transaction-scoped advisory lock, so a crashed migrator never leaves a
stale lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .quickread import newest_file_revision

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PG_LOCK_KEY = 0x7A6B_11B0  # any constant shared by every takedowns process


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(rev)s")  # files named by revision id: 0003_what_changed.py
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
@cache
def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration revisions found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The catalogue's revision (None: never migrated), read with one plain query."""
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:  # no alembic_version table yet
            return None


def mismatch(engine: Engine) -> str | None:
    """Why this release cannot use the catalogue as it stands (None: it is at this release's revision),
    as the end of a sentence that begins with the catalogue's name. One query."""
    return _why(current_revision(engine), newest_file_revision())


def _why(current: str | None, head: str) -> str | None:
    if current == head:
        return None
    if current is None:
        return "has no schema revision (new, or made before migrations): run `takedowns migrate` to create or adopt it"
    if current > head:  # revisions are numbered (0016_...), so they sort in order
        return f"is at schema revision {current}, newer than this release's {head}: upgrade takedown-archiver"
    return f"is at schema revision {current}, older than this release's {head}: run `takedowns migrate` to upgrade it"


def upgrade(engine: Engine) -> str | None:
    """Bring the catalogue to this release's revision; one query when it is there already.

    Returns why it cannot (the catalogue is newer than this release), else None.
    """
    current, head = current_revision(engine), newest_file_revision()
    if current is not None and current >= head:
        return _why(current, head)
    from alembic import command

    with _lock(engine), engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy tables; foreign keys must be off while a parent is swapped.
            # PRAGMAs go straight to the driver: inside a transaction SQLite ignores them, and
            # every SQLAlchemy statement here first begins one (BEGIN IMMEDIATE, see catalogue.py).
            _sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
        if sqlite:
            broken = _sqlite_pragma(conn, "PRAGMA foreign_key_check")
            if broken:
                raise RuntimeError(f"migration left foreign-key violations: {broken[:3]}")
            _sqlite_pragma(conn, "PRAGMA foreign_keys=ON")
    return None


def _sqlite_pragma(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    cursor = conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


@contextmanager
def _lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    fd = os.open(f"{database}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def new_revision(message: str) -> None:
    """Write a revision for the changes in tables.py, autogenerated against a scratch catalogue at head."""
    import re
    import tempfile

    from alembic import command
    from sqlalchemy import create_engine

    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    number = len(list((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/scratch.sqlite")
        upgrade(engine)
        with engine.connect() as conn:
            command.revision(
                alembic_config(conn),
                message=message,
                autogenerate=True,
                rev_id=f"{number:04d}_{slug}",
            )
        engine.dispose()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m archive.migrate revision "what changed"')
    new_revision(sys.argv[2])
