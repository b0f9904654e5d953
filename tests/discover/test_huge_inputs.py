"""Huge and hostile discovery inputs: million-URL gzip sitemaps, late entity declarations."""

from __future__ import annotations

import json
import zlib

import pytest
from sqlalchemy import event, func, select

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem
from scraper.discover.candidate import Candidate, ShapeError
from scraper.discover.kinds.feed import feed
from scraper.discover.kinds.sitemap import sitemap
from scraper.discover.poll import REGISTER_BATCH, _register
from scraper.discover.sources import parse_source

from ..conftest import make_config, run_cli

NS = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def gzip_sitemap(count: int, base: str = "https://example.org") -> bytes:
    """A gzip sitemap of `count` URLs, built in pieces so the test never holds the whole XML."""
    gz = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    out = [gz.compress(b'<?xml version="1.0"?>' + NS)]
    step = 10_000
    for start in range(0, count, step):
        out.append(
            gz.compress(
                b"".join(
                    b"<url><loc>%s/news/%d/</loc></url>" % (base.encode(), i)
                    for i in range(start, min(count, start + step))
                )
            )
        )
    out.append(gz.compress(b"</urlset>") + gz.flush())
    return b"".join(out)


def test_a_million_url_gzip_sitemap_is_capped_while_parsing():
    data = gzip_sitemap(1_000_000)
    pages, nested = sitemap(data, max_urls=2000)
    assert len(pages) == 2000 and not nested
    assert pages[0].url == "https://example.org/news/0/" and pages[-1].url == "https://example.org/news/1999/"


def test_sitemap_entity_declarations_and_non_sitemaps_are_refused():
    with pytest.raises(ShapeError):
        sitemap(b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa">]>' + NS + b"<url><loc>&a;</loc></url></urlset>")
    with pytest.raises(ShapeError, match="not a sitemap"):
        sitemap(b"<html><body>hello</body></html>")


def test_the_entity_check_scans_the_whole_feed():
    padding = b"<!-- " + b"padding " * 1000 + b"-->\n"  # pushes the DTD past the first 4 KB
    bomb = (
        b'<?xml version="1.0"?>\n'
        + padding
        + b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        + b"<rss><channel><item><title>&b;</title><link>http://x/</link></item></channel></rss>"
    )
    assert bomb.index(b"<!ENTITY") > 4096
    with pytest.raises(ShapeError, match="entit"):
        feed(bomb, "http://x/")


def test_candidates_are_recorded_in_batches_one_transaction_each(tmp_path):
    catalogue = Catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite'}", migrate=True)
    source = parse_source("big", {"kind": "sitemap", "url": "https://example.org/sitemap.xml.gz"})
    candidates = [Candidate(f"https://example.org/news/{i}/") for i in range(2 * REGISTER_BATCH + 500)]
    commits: list[int] = []
    event.listen(catalogue.engine, "commit", lambda conn: commits.append(1))
    first = _register(catalogue, source, candidates + candidates[:10])  # repeats are one item
    assert len(commits) == 3 and len(first) == len(candidates)
    commits.clear()
    again = _register(catalogue, source, candidates)
    assert len(commits) == 3 and again == first  # same ids: nothing inserted twice
    with catalogue.session() as s:
        assert s.scalar(select(func.count()).select_from(DiscoveredItem)) == len(candidates)
    catalogue.dispose()


def test_poll_of_a_million_url_sitemap_keeps_max_candidates(site_server, tmp_path):
    site_server.set("/sitemap.xml.gz", gzip_sitemap(1_000_000, site_server.url("")), content_type="application/gzip")
    site_server.set(
        "/news/2999/", "<html><body><p>We removed 12 accounts.</p></body></html>"
    )  # the one candidate fetched
    cfg = make_config(
        tmp_path,
        f"""
[sources.big]
kind = "sitemap"
url = "{site_server.url("/sitemap.xml.gz")}"
max_candidates = 3000
url_patterns = ["/news/2999/$"]
""",
    )
    result = run_cli("poll", "--config", cfg, "--json")
    [out] = json.loads(result.stdout)
    assert out["items_found"] == 3000 and out["source_error"] is None and out["fetched"] == 1 and out["dropped"] == 3000
    assert "only the first 3000 are candidates" in result.stderr
