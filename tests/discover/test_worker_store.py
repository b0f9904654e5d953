"""With `[extract] workers`, a poll's worker processes store each page (WARC + catalogue) before they
extract it; a worker that dies leaves the page stored all the same, and the poll goes on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import scraper.extract.pool
from archive.catalogue import Catalogue
from archive.tables import Capture, DiscoveredItem, ReportRow
from scraper.config import load_config
from scraper.extract import extract_report

from ..conftest import run_cli
from .test_extract_pool import first_references, poll_feed
from .test_sources import report, rss


def extract_dying_on_marked_pages(content: bytes, **kwargs):
    """extract_report, but the worker process running it dies at once on a page carrying a `die` comment
    (top level: pickled by name to the workers)."""
    if b"<!-- die -->" in content:
        os._exit(3)
    return extract_report(content, **kwargs)


def pids_writing(warc_dir) -> set[int]:
    """The pids of the processes that created the WARC files (`takedowns-<time>-<pid>.warc.gz`)."""
    return {int(re.fullmatch(r"takedowns-\d+-(\d+)\.warc\.gz", p.name).group(1)) for p in warc_dir.glob("*.warc.gz")}


def warcio_check(warc_dir) -> None:
    for warc in sorted(warc_dir.glob("*.warc.gz")):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_workers_store_the_pages_they_extract(site_server, tmp_path):
    paths = [f"/news/{n}/" for n in range(4)]
    for n, p in enumerate(paths):
        site_server.set(p, report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n))
    catalogue = poll_feed(site_server, tmp_path, paths, workers=2)
    try:
        with catalogue.session() as s:
            stored = {c.url: (c.warc_path, c.id) for c in s.query(Capture)}
            reports = {r.url: r.capture_id for r in s.query(ReportRow)}
            firsts = first_references(s)
    finally:
        catalogue.dispose()
    urls = [site_server.url(p) for p in paths]
    assert set(stored) == set(urls) and reports == {url: stored[url][1] for url in urls}
    writers = pids_writing(tmp_path / "data" / "warc")
    assert writers and os.getpid() not in writers  # the WARC was created by a worker, not by the polling process
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
    site_server.set("/feed/", rss([(f"Report {n}", site_server.url(p), "We removed a network.") for n, p in enumerate(paths)]))
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n[archive.wayback]\nenabled = false\n'
        f'[extract]\nworkers = 2\n[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\norg = "Meta"\n'
    )
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    [out] = json.loads(result.stdout)
    assert out["failed"] == 1 and out["kept"] == len(paths) - 1, out
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url)
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

