"""The desk's sources page lists items failing or given up, as `takedowns failures` does."""

from __future__ import annotations

from datetime import datetime

import httpx

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem
from scraper.config import load_config
from scraper.discover.failures import RetryPolicy, record_failure


def test_sources_page_shows_failing_and_given_up_items(desk) -> None:
    now = datetime(2026, 11, 29, 1, 0)
    policy = RetryPolicy(max_tries=2, retry_seconds=600)
    catalogue = Catalogue(load_config(str(desk.config)).catalogue_url, migrate=True)
    try:
        ids = []
        with catalogue.session() as s:
            for name in ("retrying", "hopeless"):
                item = DiscoveredItem(
                    source="newsroom", url=f"https://example.org/{name}", first_seen_at=now, last_seen_at=now
                )
                s.add(item)
                s.flush()
                ids.append(item.id)
        record_failure(catalogue, ids[0], "extract", "the page's text could not be read", policy, now)
        for _ in range(2):
            record_failure(catalogue, ids[1], "store", "disk full while writing the WARC", policy, now)
    finally:
        catalogue.dispose()

    html = httpx.get(f"{desk.base}/sources").text

    assert "Items failing or given up" in html and "No failing items." not in html
    section = html.split("Items failing or given up")[1].split("</section>")[0]
    retrying = section.split("https://example.org/retrying")[1].split("</tr>")[0]
    hopeless = section.split("https://example.org/hopeless")[1].split("</tr>")[0]
    assert "extract" in retrying and "could not be read" in retrying and "2026-11-29 01:10" in retrying
    assert "store" in hopeless and "disk full" in hopeless and "gave up" in hopeless
