"""Blocking keys for stub matching: candidate stubs come from an index, never a scan.

A report can only join a stub with the same platform, a first publication date
within the cluster window and an overlapping (or unstated) origin
(`content.match_reason`). `stub_match_keys` holds one row per (stub, origin
country) with the stub's platform and first publication date, kept in step with
the stub by `derived`, so the candidates of a report are an index range
query whatever the size of the catalogue; `match_reason` then decides among
those few exactly as it did over every stub.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.tables import Stub, StubMatchKey
from scraper.extract.report import Report

from . import content, derived
from .derived import DerivedRows

OPEN = ("new", "accepted")


def key_rows(stub_pk: int, platform: str | None, origin: list[str] | None, first_pub_date: str | None) -> list[dict]:
    """The blocking keys of one stub: none when it can never match (no platform or date)."""
    if not (platform and first_pub_date):
        return []
    return [
        {"stub_pk": stub_pk, "platform": platform, "origin": o, "pub_date": first_pub_date} for o in (origin or [""])
    ]


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
    keys = select(StubMatchKey.stub_pk).where(
        StubMatchKey.platform == report.platform, StubMatchKey.pub_date.between(lo, hi)
    )
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


KEYS = derived.register(DerivedRows(StubMatchKey, ("platform", "origin", "first_pub_date"), key_rows))
rebuild = KEYS.rebuild
