"""Rows derived from a stub's columns, kept in step with it: index tables queries read instead of JSON.

`stub_countries` (the desk's origin filter) and `stub_match_keys` (stub matching) each hold
rows computed from a few of a stub's columns. One flush hook rewrites a stub's rows in every
registered table when one of those columns was written through the ORM; writers that change a
stub with a core UPDATE (review.edit's guarded claim) call `sync`; bulk loads call `rebuild`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from archive.tables import Stub


@dataclass(frozen=True)
class DerivedRows:
    """A table whose rows (each with a `stub_pk`) are `rows(stub_pk, *columns)` of one stub."""

    table: Any  # an ORM model with a stub_pk column
    columns: tuple[str, ...]  # the Stub attributes the rows are computed from
    rows: Callable[..., list[dict]]

    def of(self, stub: Stub) -> list[dict]:
        return self.rows(stub.id, *(getattr(stub, name) for name in self.columns))

    def rewrite(self, conn: Connection, stub_pks: list[int], rows: list[dict]) -> None:
        conn.execute(delete(self.table).where(self.table.stub_pk.in_(stub_pks)))
        if rows:
            conn.execute(insert(self.table), rows)

    def rebuild(self, conn: Connection) -> int:
        """Recompute every stub's rows (after a bulk load or for a repair); returns the rows written."""
        conn.execute(delete(self.table))
        found = conn.execute(select(Stub.id, *(getattr(Stub, name) for name in self.columns)))
        rows = [row for pk, *values in found for row in self.rows(pk, *values)]
        if rows:
            conn.execute(insert(self.table), rows)
        return len(rows)


REGISTERED: list[DerivedRows] = []


def register(derived: DerivedRows) -> DerivedRows:
    REGISTERED.append(derived)
    return derived


def sync(s: Session, stub: Stub) -> None:
    """Rewrite one stub's rows in every derived table (for a core UPDATE the flush hook does not see)."""
    conn = s.connection()
    for derived in REGISTERED:
        derived.rewrite(conn, [stub.id], derived.of(stub))


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _ctx: object) -> None:
    """Rewrite the rows of every stub one of whose source columns was written in this flush."""
    stubs = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Stub)]
    gone = [obj.id for obj in session.deleted if isinstance(obj, Stub)]
    if not (stubs or gone):
        return
    for derived in REGISTERED:
        changed = [
            obj for obj in stubs if any(inspect(obj).attrs[name].history.has_changes() for name in derived.columns)
        ]
        if changed or gone:
            derived.rewrite(
                session.connection(),
                [obj.id for obj in changed] + gone,
                [row for obj in changed for row in derived.of(obj)],
            )
