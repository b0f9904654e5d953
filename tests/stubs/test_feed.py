"""The Atom feed meets RFC 4287 (parsed with lxml) and is, like exports, readable by others (0644)."""

from __future__ import annotations

import os
import stat

import pytest
from lxml import etree

from ..conftest import run_cli
from .atom_rfc4287 import problems as atom_problems
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
        assert all(
            link.get("rel") for link in entry.findall(f"{A}link")
        )  # feedgen 1.0.0 dropped them (implicit alternates)
        alternates = [
            link.get("href") for link in entry.findall(f"{A}link") if link.get("rel", "alternate") == "alternate"
        ]
        assert alternates == [made[stub_id]]
        shown = run_cli("stubs", "show", stub_id, "--config", cfg, "--json")
        assert shown.exit_code == 0, shown.stderr
        content = entry.findtext(f"{A}content")
        assert entry.find(f"{A}content").get("type") == "text"
        summary = entry.findtext(f"{A}summary")
        assert summary and summary.strip() in content
    # The wire report names its counts: the entry carries them.
    wire_entry = next(
        e for e in entries if e.findtext(f"{A}id").endswith([k for k, v in made.items() if v == wire_url][0])
    )
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

    catalogue = Catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite'}", migrate=True)
    path = tmp_path / "stubs.atom"
    try:
        feed = FeedRefresher(catalogue, path, "https://desk.example.org/feed.atom", interval=3600)
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


PUBLIC = "https://desk.example.org/takedowns/feed.atom"

# The shape feedgen 1.0.0 wrote: entry links without rel (all implicitly alternate), a file: self link.
FEEDGEN_SHAPE = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:takedowns:stubs</id><title>t</title><updated>2026-01-01T00:00:00+00:00</updated>
<author><name>a</name></author><link href="file:///data/stubs.atom" rel="self" type="application/atom+xml"/>
<entry><id>urn:takedowns:stub:TA-00001</id><title>TA-00001: x</title><updated>2026-01-01T00:00:00+00:00</updated>
<link href="https://example.org/report"/><link href="https://example.org/retelling"/><content type="text">x</content></entry></feed>"""


def test_the_strict_checker_finds_what_the_w3c_validator_reported():
    found = atom_problems(FEEDGEN_SHAPE, PUBLIC)
    assert any("2 alternate links" in p for p in found), found  # the validator's DuplicateAtomLink
    assert any("self link is 'file:///data/stubs.atom'" in p for p in found), found


def test_the_feed_meets_rfc_4287_strictly_and_names_its_public_url(site_server, tmp_path):
    from archive.catalogue import Catalogue
    from archive.clock import utcnow
    from archive.tables import ArchiveJob
    from scraper.config import load_config

    from .test_queue import PLATFORM_REPORT

    cfg = config(tmp_path, f'[stubs]\nfeed_url = "{PUBLIC}"\n')
    site_server.set("/news/2021/10/september-2021-cib-report/", PLATFORM_REPORT)
    platform_url = site_server.url("/news/2021/10/september-2021-cib-report/")
    first = fetch(cfg, platform_url)
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:  # the platform's report has a public archive by now
            s.add(
                ArchiveJob(
                    url=platform_url,
                    capture_id=first["capture_id"],
                    status="success",
                    archive_timestamp="20211006000000",
                    archive_link=f"https://web.archive.org/web/20211006000000/{platform_url}",
                    checked_at=utcnow(),
                )
            )
    finally:
        catalogue.dispose()
    dfrlab_url, wire_url = serve_seeds(site_server)
    assert fetch(cfg, wire_url)["stub_id"] == first["stub_id"]  # the retelling joins the stub: two references
    fetch(cfg, dfrlab_url)
    document = (tmp_path / "data" / "stubs.atom").read_bytes()
    assert atom_problems(document, PUBLIC) == []
    root = etree.fromstring(document)
    entry = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}id").endswith(first["stub_id"]))
    links = [(link.get("rel"), link.get("href"), link.get("type")) for link in entry.findall(f"{A}link")]
    assert links == [
        ("alternate", platform_url, "text/html"),
        ("related", f"https://web.archive.org/web/20211006000000/{platform_url}", "text/html"),
        ("related", wire_url, "text/html"),
    ]
    assert [link.get("title") for link in entry.findall(f"{A}link")][1] == "public archive"


def test_a_bad_feed_url_is_a_one_line_error(tmp_path):
    cfg = config(tmp_path, '[stubs]\nfeed_url = "desk.example.org/feed.atom"\n')
    result = run_cli("stubs", "list", "--config", cfg)
    assert (
        result.exit_code == 2
        and result.stderr.startswith("error: ")
        and "feed_url" in result.stderr
        and "http(s) URL" in result.stderr
    )
