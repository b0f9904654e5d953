"""Count the SQL statements a piece of work sends: "no query per row" checked by the benches and tests.

Two paths reach the database: SQLAlchemy engines (seen through their events) and
archive.quickread's plain SQL on a DB-API connection (seen by wrapping `Reader.rows`,
the one place it executes). One counter for both, so no statement goes uncounted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from archive.quickread import Reader


@contextmanager
def counting() -> Iterator[list[str]]:
    """Every statement this process sends inside the block, in order."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    plain_rows = Reader.rows

    def plain(self: Reader, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        statements.append(sql)
        return plain_rows(self, sql, params)

    event.listen(Engine, "before_cursor_execute", count)
    Reader.rows = plain  # type: ignore[method-assign]
    try:
        yield statements
    finally:
        Reader.rows = plain_rows  # type: ignore[method-assign]
        event.remove(Engine, "before_cursor_execute", count)
