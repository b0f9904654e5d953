"""The stub_countries index: a stub's origin and target countries as rows, for filters.

Stubs keep their countries as JSON lists (what exports read). The desk filters the
queue by origin; over JSON that is a scan of every stub. `stub_countries` holds one
case-folded row per (stub, role, country), rewritten by a flush hook whenever a stub's
origin or targets are written through the ORM, so the filter is an index lookup.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from archive.tables import Stub, StubCountry

ROLES = {"origin": "origin", "targets": "target"}  # Stub attribute -> role


def fold(country: str) -> str:
    """The lookup form of a country name: the filter matches whatever case a curator types."""
    return country.strip().casefold()[:64]


def country_rows(stub_pk: int, origin: Iterable[str] | None, targets: Iterable[str] | None) -> list[dict]:
    """The index rows of one stub (each country once per role)."""
    rows = []
    for role, countries in (("origin", origin), ("target", targets)):
        for country in dict.fromkeys(fold(c) for c in countries or [] if isinstance(c, str) and c.strip()):
            rows.append({"stub_pk": stub_pk, "role": role, "country": country})
    return rows


def rebuild(conn: Connection) -> int:
    """Recompute every stub's rows (after a bulk load or for a repair); returns the rows written."""
    conn.execute(delete(StubCountry))
    rows = [row for pk, origin, targets in conn.execute(select(Stub.id, Stub.origin, Stub.targets)) for row in country_rows(pk, origin, targets)]
    if rows:
        conn.execute(insert(StubCountry), rows)
    return len(rows)


def sync(s: Session, stub: Stub) -> None:
    """Rewrite one stub's rows, for writers that change a stub with a core UPDATE (the flush hook
    does not see those: review.edit claims the stub with a guarded UPDATE)."""
    conn = s.connection()
    conn.execute(delete(StubCountry).where(StubCountry.stub_pk == stub.id))
    rows = country_rows(stub.id, stub.origin, stub.targets)
    if rows:
        conn.execute(insert(StubCountry), rows)


@event.listens_for(Session, "after_flush")
def _sync(session: Session, _ctx: object) -> None:
    """Rewrite the rows of every stub whose origin or targets were written in this flush."""
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Stub) and any(inspect(obj).attrs[name].history.has_changes() for name in ROLES)
    ]
    gone = [obj.id for obj in session.deleted if isinstance(obj, Stub)]
    if not (changed or gone):
        return
    conn = session.connection()
    conn.execute(delete(StubCountry).where(StubCountry.stub_pk.in_([obj.id for obj in changed] + gone)))
    rows = [row for obj in changed for row in country_rows(obj.id, obj.origin, obj.targets)]
    if rows:
        conn.execute(insert(StubCountry), rows)
