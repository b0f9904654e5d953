"""Blocking keys for stub matching: candidate stubs come from an index, never a scan.

A report can only join a stub with the same platform, a first publication date
within the cluster window and an overlapping (or unstated) origin
(`content.match_reason`). `stub_match_keys` holds one row per (stub, origin
country) with the stub's platform and first publication date, kept in step with
the stub by a flush hook, so the candidates of a report are an index range
query whatever the size of the catalogue; `match_reason` then decides among
those few exactly as it did over every stub.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from archive.tables import Stub, StubMatchKey
from scraper.extract.report import Report

from . import content

OPEN = ("new", "accepted")
KEYED = ("platform", "origin", "first_pub_date")


def key_rows(stub_pk: int, platform: str | None, origin: list[str] | None, first_pub_date: str | None) -> list[dict]:
    """The blocking keys of one stub: none when it can never match (no platform or date)."""
    if not (platform and first_pub_date):
        return []
    return [{"stub_pk": stub_pk, "platform": platform, "origin": o, "pub_date": first_pub_date} for o in (origin or [""])]


def candidates(s: Session, report: Report, window_days: int) -> list[Stub]:
    """Open stubs that may match `report`, oldest first (the order the full scan used)."""
    if not (report.platform and report.pub_date):
        return []
    origin, _ = content.countries(report)
    try:
        lo = (report.pub_date - timedelta(days=window_days)).isoformat()
    except OverflowError:
        lo = date.min.isoformat()
    try:
        hi = (report.pub_date + timedelta(days=window_days)).isoformat()
    except OverflowError:
        hi = date.max.isoformat()
    keys = select(StubMatchKey.stub_pk).where(StubMatchKey.platform == report.platform, StubMatchKey.pub_date.between(lo, hi))
    if origin:
        keys = keys.where(StubMatchKey.origin.in_([*origin, ""]))
    return list(s.scalars(select(Stub).where(Stub.id.in_(keys), Stub.status.in_(OPEN)).order_by(Stub.id)))


def first_match(s: Session, report: Report, window_days: int) -> tuple[Stub, str] | None:
    """The oldest open stub `report` belongs to, with the reason, or None."""
    for stub in candidates(s, report, window_days):
        reason = content.match_reason(
            report,
            platform=stub.platform,
            origin=stub.origin or [],
            counts=stub.counts or {},
            first_pub_date=date.fromisoformat(stub.first_pub_date) if stub.first_pub_date else None,
            window_days=window_days,
        )
        if reason:
            return stub, reason
    return None


def rebuild(conn: Connection) -> int:
    """Recompute every stub's keys (for a migration or a repair); returns the rows written."""
    conn.execute(delete(StubMatchKey))
    rows = [
        row
        for stub_pk, platform, origin, first in conn.execute(select(Stub.id, Stub.platform, Stub.origin, Stub.first_pub_date))
        for row in key_rows(stub_pk, platform, origin, first)
    ]
    if rows:
        conn.execute(insert(StubMatchKey), rows)
    return len(rows)


def sync(s: Session, stub: Stub) -> None:
    """Rewrite one stub's keys, for writers that change a stub with a core UPDATE (the flush hook
    below does not see those: review.edit claims the stub with a guarded UPDATE)."""
    conn = s.connection()
    conn.execute(delete(StubMatchKey).where(StubMatchKey.stub_pk == stub.id))
    rows = key_rows(stub.id, stub.platform, stub.origin, stub.first_pub_date)
    if rows:
        conn.execute(insert(StubMatchKey), rows)


@event.listens_for(Session, "after_flush")
def _sync_keys(session: Session, _ctx: object) -> None:
    """Keep the keys in step with every stub whose platform, origin or first date was written."""
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Stub) and any(inspect(obj).attrs[name].history.has_changes() for name in KEYED)
    ]
    gone = [obj.id for obj in session.deleted if isinstance(obj, Stub)]
    if not (changed or gone):
        return
    conn = session.connection()
    stale = [obj.id for obj in changed] + gone
    conn.execute(delete(StubMatchKey).where(StubMatchKey.stub_pk.in_(stale)))
    rows = [row for obj in changed for row in key_rows(obj.id, obj.platform, obj.origin, obj.first_pub_date)]
    if rows:
        conn.execute(insert(StubMatchKey), rows)
