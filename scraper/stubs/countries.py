"""The stub_countries index: a stub's origin and target countries as rows, for filters.

Stubs keep their countries as JSON lists (what exports read). The desk filters the
queue by origin; over JSON that is a scan of every stub. `stub_countries` holds one
case-folded row per (stub, role, country), kept in step with the stub by `derived`, so the
filter is an index lookup.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.tables import StubCountry

from . import derived
from .derived import DerivedRows


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


INDEX = derived.register(DerivedRows(StubCountry, ("origin", "targets"), country_rows))
rebuild = INDEX.rebuild
