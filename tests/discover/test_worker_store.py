"""With `[extract] workers`, a poll's worker processes build each page's WARC records and extract its report
from them; the polling process appends and catalogues both. A worker that dies leaves the page stored
all the same, and the poll goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import scraper.extract.pool
from archive.catalogue import Catalogue
from archive.tables import Capture, DiscoveredItem, ReportRow
from archive.warc import read_response
from scraper.config import load_config
from scraper.extract import extract_report
from scraper.stagetimes import TIMES

from ..conftest import make_config, run_cli
from .test_extract_pool import first_references, noting_pid, poll_feed  # noqa: F401 (a fixture)
from .test_sources import report, rss


def extract_dying_on_marked_pages(content: bytes, **kwargs):
    """extract_report, but the worker process running it dies at once on a page carrying a `die` comment
    (top level: pickled by name to the workers)."""
    if b"<!-- die -->" in content:
        os._exit(3)
    return extract_report(content, **kwargs)


def warcio_check(warc_dir) -> None:
    for warc in sorted(warc_dir.glob("*.warc.gz")):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.usefixtures("noting_pid")
def test_workers_build_the_warc_records_of_the_pages_they_extract(site_server, tmp_path):
    paths = [f"/news/{n}/" for n in range(4)]
    pages = {p: report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n) for n, p in enumerate(paths)}
    for p, page in pages.items():
        site_server.set(p, page)
    TIMES.reset()
    sys.setswitchinterval(0.005)  # Python's default
    catalogue = poll_feed(site_server, tmp_path, paths, workers=2)
    assert sys.getswitchinterval() <= 0.001  # the polling process's threads hand the GIL on sooner
    try:
        with catalogue.session() as s:
            stored = {c.url: c for c in s.query(Capture)}
            reports = {r.url: r.data for r in s.query(ReportRow)}
            firsts = first_references(s)
    finally:
        catalogue.dispose()
    urls = [site_server.url(p) for p in paths]
    assert TIMES.calls["WARC records (gzip, digests), in a worker"] == len(paths)  # built in the workers, timed there
    assert set(stored) == set(reports) == set(urls)
    for p, url in zip(paths, urls, strict=True):
        assert reports[url]["capture_id"] == stored[url].id  # catalogued with its capture, in one transaction
        assert int(reports[url]["warnings"][-1].rsplit(" ", 1)[1]) != os.getpid()  # extracted in a worker
        record = read_response(tmp_path / "data" / stored[url].warc_path, stored[url].warc_offset)
        assert record.raw_payload == pages[p].encode()
    assert firsts == urls  # stubs still in the order found
    warcio_check(tmp_path / "data" / "warc")
    verify = run_cli("archive", "verify", "--config", tmp_path / "config.toml")
    assert verify.exit_code == 0, verify.stdout + verify.stderr


@pytest.fixture
def dying_worker(monkeypatch):
    monkeypatch.setattr(scraper.extract.pool, "extract_report", extract_dying_on_marked_pages)


def test_a_worker_dying_mid_extraction_leaves_its_page_stored_and_the_poll_going(site_server, tmp_path, dying_worker):
    paths = [f"/news/{n}/" for n in range(5)]
    for n, p in enumerate(paths):
        page = report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n)
        site_server.set(p, page.replace("</body>", "<!-- die --></body>") if n == 1 else page)
    site_server.set(
        "/feed/", rss([(f"Report {n}", site_server.url(p), "We removed a network.") for n, p in enumerate(paths)])
    )
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n[archive.wayback]\nenabled = false\n'
        f'[extract]\nworkers = 2\n[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\norg = "Meta"\n'
    )
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    [out] = json.loads(result.stdout)
    assert out["failed"] == 1 and out["kept"] == len(paths) - 1, out
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            captured = {c.url for c in s.query(Capture)}
            extracted = {r.url for r in s.query(ReportRow)}
            dying = s.query(DiscoveredItem).filter_by(url=site_server.url(paths[1])).one()
            dying_stage = dying.stage
    finally:
        catalogue.dispose()
    urls = [site_server.url(p) for p in paths]
    assert captured == set(urls)  # the page whose worker died is stored and catalogued all the same
    assert extracted == set(urls) - {urls[1]}
    assert dying_stage == "extract"  # retried on a later pass, from its stored capture
    warcio_check(tmp_path / "data" / "warc")
    verify = run_cli("archive", "verify", "--config", cfg)
    assert verify.exit_code == 0, verify.stdout + verify.stderr


def test_a_poll_with_workers_on_each_catalogue_back_end(site_server, tmp_path, catalogue_url):
    """Workers build and extract, the polling process stores and catalogues, on SQLite and PostgreSQL; the
    polled source names no org but another one does, so the workers look the URL's source up themselves."""
    paths = [f"/news/{n}/" for n in range(3)]
    for n, p in enumerate(paths):
        site_server.set(p, report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n))
    site_server.set(
        "/feed/", rss([(f"Report {n}", site_server.url(p), "We removed a network.") for n, p in enumerate(paths)])
    )
    cfg = make_config(
        tmp_path,
        f'[extract]\nworkers = 2\n\n[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\n\n'
        f'[sources.elsewhere]\nkind = "feed"\nurl = "{site_server.url("/other-feed/")}"\norg = "Meta"\nenabled = false\n',
        catalogue=catalogue_url,
    )
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    [out] = json.loads(result.stdout)
    assert out["kept"] == len(paths) and out["failed"] == 0, out
    again = run_cli(
        "fetch", site_server.url(paths[0]), "--config", cfg, "--json"
    )  # the revalidation lookup finds the stored capture
    assert again.exit_code == 0, again.stderr
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            captures = {c.url: c.seen_count for c in s.query(Capture)}
            reports = {r.url for r in s.query(ReportRow)}
            decisions = {i.decision for i in s.query(DiscoveredItem)}
    finally:
        catalogue.dispose()
    urls = [site_server.url(p) for p in paths]
    assert set(captures) == reports == set(urls) and decisions == {"kept"}
    assert captures[urls[0]] == 2  # seen again, not stored twice
