"""Org lookup: the `org` of the configured source that discovered a URL, for reports whose host `[orgs]` lacks."""

from __future__ import annotations

from sqlalchemy import or_, select

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem
from scraper.config import Config, source_table_org
from scraper.stagetimes import timed


def source_org(config: Config, catalogue: Catalogue, url: str, capture_id: int | None) -> str | None:
    """The `org` of the configured source that discovered `url` (or capture `capture_id`), if any."""
    orgs = source_orgs(config)
    if not any(orgs.values()):
        return None  # no source names an org: nothing to look up
    found = (
        DiscoveredItem.url == url
        if capture_id is None
        else or_(DiscoveredItem.capture_id == capture_id, DiscoveredItem.url == url)
    )
    with catalogue.read_session() as s:
        names = list(s.scalars(select(DiscoveredItem.source).where(found).order_by(DiscoveredItem.id)))
    return next((orgs[name] for name in names if orgs.get(name)), None)


def source_orgs(config: Config) -> dict[str, str | None]:
    """Each configured source's `org`, checked as discovery checks it (`scraper.config.source_table_org`)."""
    return {
        name: source_table_org(name, table)
        for name, table in config.section("sources").items()
        if isinstance(table, dict)
    }


def timed_source_org(config: Config, catalogue: Catalogue, url: str, capture_id: int | None) -> str | None:
    with timed("source org lookup", cpu=True):  # runs in a thread (_extract_arguments) or a worker, never awaits
        return source_org(config, catalogue, url, capture_id)
