"""`[sources.<name>]` tables: what to poll, how, how often, and what counts as relevant.

The keys every source takes are checked here; the kind-specific ones against
what the kind declares in `scraper.discover.kinds`.
"""

from __future__ import annotations

import re
from typing import Any

from scraper.config import Config, source_table_org
from scraper.errors import UserError
from scraper.schedule import parse_schedule
from scraper.settings import did_you_mean

from . import kinds
from .candidate import DEFAULT_SCHEDULE, Source

__all__ = ["Source", "load_sources", "parse_source"]  # Source: its home is .candidate, below the kinds


_COMMON = {
    "kind",
    "url",
    "schedule",
    "org",
    "enabled",
    "keywords",
    "url_patterns",
    "exclude_patterns",
    "respect_robots",
    "render",
    "force_include",
    "max_items",
}


def _strings(name: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"[sources.{name}] {key} must be a list of strings")
    return tuple(value)


def parse_source(name: str, table: dict[str, Any]) -> Source:
    if not isinstance(table, dict):
        raise UserError(f"[sources.{name}] must be a table")
    kind_name = table.get("kind")
    kind = kinds.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        hint = did_you_mean(kind_name, list(kinds.names())) if isinstance(kind_name, str) else ""
        raise UserError(f"[sources.{name}] kind must be one of {', '.join(kinds.names())}, got {kind_name!r}{hint}")
    allowed = sorted(_COMMON | set(kind.options))
    for key in sorted(set(table) - set(allowed)):
        raise UserError(
            f"[sources.{name}] unknown key {key!r} for kind {kind.name}{did_you_mean(key, allowed)} (allowed: "
            f"{', '.join(allowed)})"
        )
    for key, option in kind.options.items():
        complaint = option.complaint(table[key]) if key in table else None
        if complaint:
            raise UserError(f"[sources.{name}] {key} {complaint}")
    url = table.get("url") or table.get(kind.url_from) or ""
    if kind.http_url and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise UserError(f"[sources.{name}] url must be an http(s) URL, got {url!r}")
    complaint = kind.check(table) if kind.check else None
    if complaint:
        raise UserError(f"[sources.{name}] {complaint}")
    try:
        schedule = parse_schedule(table["schedule"]) if "schedule" in table else DEFAULT_SCHEDULE
    except UserError as exc:
        raise UserError(f"[sources.{name}] {exc}") from None
    for pattern in list(table.get("url_patterns", [])) + list(table.get("exclude_patterns", [])):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UserError(f"[sources.{name}] bad regular expression {pattern!r}: {exc}") from None
    org = source_table_org(name, table)
    for key, kind_ in (
        ("enabled", bool),
        ("respect_robots", bool),
        ("render", bool),
        ("max_items", int),
    ):
        if key in table and not isinstance(table[key], kind_):
            raise UserError(f"[sources.{name}] {key} must be a {kind_.__name__}")
    return Source(
        name=name,
        kind=kind.name,
        url=str(url),
        schedule=schedule,
        org=org,
        enabled=table.get("enabled", True),
        keywords=_strings(name, "keywords", table.get("keywords", [])),
        url_patterns=_strings(name, "url_patterns", table.get("url_patterns", [])),
        exclude_patterns=_strings(name, "exclude_patterns", table.get("exclude_patterns", [])),
        respect_robots=table.get("respect_robots", True),
        render=table.get("render", False),
        force_include=_strings(name, "force_include", table.get("force_include", [])),
        max_items=table.get("max_items", 200),
        options={k: table[k] for k in kind.options if k in table},
    )


def load_sources(config: Config) -> list[Source]:
    """Every `[sources.<name>]` table, validated and parsed once per loaded config."""
    return list(config.parsed_once("sources", _parse_sources))


def _parse_sources(config: Config) -> tuple[Source, ...]:
    try:
        return tuple(parse_source(name, table) for name, table in config.section("sources").items())
    except UserError as exc:
        raise UserError(f"{config.path}: {exc}") from None


MANUAL = "manual"  # the source `takedowns include URL` records an item under when given none


def get_source(config: Config, name: str) -> Source:
    sources = {s.name: s for s in load_sources(config)}
    if name not in sources:
        raise UserError(
            f"no source named {name!r} in {config.path}: known sources are {', '.join(sorted(sources)) or 'none'}"
        )
    return sources[name]
