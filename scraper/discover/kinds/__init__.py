"""Source kinds, one module each, registered in one place (compare Scrapy's spiders).

A kind module declares its options (name, type, help), an optional extra check
of a `[sources.<name>]` table and an async `discover()` that turns what the
source lists into candidates; it calls `register(Kind(...))` at import. Every
module of this package is imported when the registry is first read, so adding
a kind touches one file. `scraper.discover.sources` validates source tables
against the declared options (unknown ones get a "did you mean" hint).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..candidate import Candidate, Source

Fetch = Callable[[str], Awaitable[bytes]]  # GET a URL for the source (robots, pacing, status checked)
Discover = Callable[["Source", Fetch], Awaitable[list["Candidate"]]]


@dataclass(frozen=True)
class Option:
    """A key a `[sources.<name>]` table of this kind may carry, beyond the common ones."""

    type: type | tuple[type, ...]
    help: str

    def complaint(self, value: Any) -> str | None:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool) and bool not in types:  # TOML true is not a number
            return f"must be {' or '.join(_NAMES.get(t, t.__name__) for t in types)}"
        if not isinstance(value, types):
            return f"must be {' or '.join(_NAMES.get(t, t.__name__) for t in types)}"
        return None


_NAMES = {str: "a string", int: "an integer", list: "a list", bool: "true or false", float: "a number"}


@dataclass(frozen=True)
class Kind:
    name: str
    help: str
    discover: Discover
    options: Mapping[str, Option] = field(default_factory=dict)
    check: Callable[[dict[str, Any]], str | None] | None = None  # a complaint about the whole table, or None
    url_from: str = "url"  # the key holding the source's URL when `url` is absent (series: its template)
    http_url: bool = True  # the URL must be http(s) (a series' template is checked by its own `check`)
    polled: bool = True  # False: not part of `takedowns poll` (wayback: backfill only)


_KINDS: dict[str, Kind] = {}
_loaded = False


def register(kind: Kind) -> Kind:
    """Make `kind` usable in `[sources.<name>] kind = "..."`; a second kind of one name is a bug."""
    if _KINDS.get(kind.name, kind) is not kind:
        raise ValueError(f"source kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests register toy kinds and take them away again)."""
    _KINDS.pop(name, None)


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True


def get(name: str) -> Kind | None:
    _load()
    return _KINDS.get(name)


def names() -> tuple[str, ...]:
    _load()
    return tuple(sorted(_KINDS))
