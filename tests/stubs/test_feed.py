"""The Atom feed meets RFC 4287 (parsed with lxml) and is, like exports, readable by others (0644)."""

from __future__ import annotations

import os
import stat

import pytest
from lxml import etree

from ..conftest import run_cli
from .test_queue import config, fetch, serve_seeds

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def umask_077():
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def test_feed_has_every_rfc4287_element_and_links_each_report(site_server, tmp_path, umask_077):
    cfg = config(tmp_path)
    dfrlab_url, wire_url = serve_seeds(site_server)
    made = {fetch(cfg, url)["stub_id"]: url for url in (dfrlab_url, wire_url)}
    feed_path = tmp_path / "data" / "stubs.atom"
    root = etree.parse(str(feed_path)).getroot()
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{A}{name}") or "").strip(), name
    assert (root.findtext(f"{A}author/{A}name") or "").strip()
    [self_link] = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    assert self_link.get("href")
    entries = root.findall(f"{A}entry")
    assert len(entries) == len(made) == 2
    for entry in entries:
        entry_id = entry.findtext(f"{A}id")
        stub_id = entry_id.rsplit(":", 1)[1]
        assert entry.findtext(f"{A}title").startswith(stub_id) and entry.findtext(f"{A}updated")
        alternates = [link.get("href") for link in entry.findall(f"{A}link") if link.get("rel") in (None, "alternate")]
        assert alternates == [made[stub_id]]
        shown = run_cli("stubs", "show", stub_id, "--config", cfg, "--json")
        assert shown.exit_code == 0, shown.stderr
        content = entry.findtext(f"{A}content")
        assert entry.find(f"{A}content").get("type") == "text"
        summary = entry.findtext(f"{A}summary")
        assert summary and summary.strip() in content
    # The wire report names its counts: the entry carries them.
    wire_entry = next(e for e in entries if e.findtext(f"{A}id").endswith([k for k, v in made.items() if v == wire_url][0]))
    assert "93 facebook accounts" in wire_entry.findtext(f"{A}content").lower()
    assert stat.S_IMODE(feed_path.stat().st_mode) == 0o644


def test_exports_are_0644_under_umask_077(site_server, tmp_path, umask_077):
    from ..techniques.conftest import techniques_config

    cfg = config(tmp_path, techniques_config())
    dfrlab_url, _ = serve_seeds(site_server)
    fetch(cfg, dfrlab_url)
    out = tmp_path / "export"
    for fmt in ("xlsx", "csv", "md", "stix", "misp"):  # STIX and MISP were written 0600
        result = run_cli("stubs", "export", "--format", fmt, "-o", out, "--config", cfg)
        assert result.exit_code == 0, result.stderr
    files = [p for p in out.iterdir() if p.is_file()]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


def test_a_poll_rewrites_the_feed_at_its_first_change_then_at_most_once_per_interval_and_at_the_end(tmp_path):
    from archive.catalogue import Catalogue
    from scraper.stubs.feed import FeedRefresher

    catalogue = Catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
    path = tmp_path / "stubs.atom"
    try:
        feed = FeedRefresher(catalogue, path, interval=3600)
        feed.flush()
        assert not path.exists()  # nothing changed: nothing written
        feed.changed()
        assert path.exists()  # the first change shows at once
        path.unlink()
        feed.changed()
        feed.changed()
        assert not path.exists()  # within the interval: left for later
        feed.flush()
        assert etree.parse(str(path)).getroot().tag == f"{A}feed"  # the end of the pass writes what was left
        path.unlink()
        feed.flush()
        assert not path.exists()
    finally:
        catalogue.dispose()
