"""One bad item never stops a poll: it is recorded with its stage, retried after a wait, then given up."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import scraper.pipeline.extraction
from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem, Stub
from scraper.config import load_config

from ..conftest import make_config, run_cli
from .test_sources import FILLER, OTHER, report, rss


def three_reports(site_server) -> list[str]:
    """A feed of three takedown reports; the middle one is the poisoned item of each test."""
    paths = ["/news/first/", "/news/poisoned/", "/news/third/"]
    for n, path in enumerate(paths):
        site_server.set(path, report(f"Coordinated inauthentic behavior report number {n}", 20 + n))
    site_server.set(
        "/feed/", rss([(f"Report {n}", site_server.url(p), "We removed a network.") for n, p in enumerate(paths)])
    )
    return [site_server.url(p) for p in paths]


def config(tmp_path: Path, site_server, tries: int = 2) -> Path:
    return make_config(
        tmp_path,
        f"""
[daemon]
item_max_tries = {tries}
item_retry_seconds = 3600.0

[sources.newsroom]
kind = "feed"
url = "{site_server.url("/feed/")}"
org = "Meta"
""",
    )


def poll(cfg: Path) -> tuple[int, dict]:
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    [out] = json.loads(result.stdout)
    return result.exit_code, out


def failures(cfg: Path, *args: str) -> list[dict]:
    result = run_cli("failures", "--config", cfg, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def time_passes(cfg: Path, hours: float) -> None:
    """Move every scheduled retry `hours` into the past, as if that much time had gone by."""
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        for item in s.query(DiscoveredItem).filter(DiscoveredItem.next_try_at.is_not(None)):
            item.next_try_at -= timedelta(hours=hours)
    catalogue.dispose()


@pytest.fixture
def poisoned_extraction(monkeypatch):
    """Extraction of the poisoned page raises an unexpected error (a bug, a database error...)."""
    real = scraper.pipeline.extraction.store_report

    def store(catalogue, capture, report):
        if "poisoned" in capture.url:
            raise RuntimeError("unexpected failure while reading the page")
        return real(catalogue, capture, report)

    monkeypatch.setattr(scraper.pipeline.extraction, "store_report", store)


def test_a_poisoned_item_is_recorded_with_its_stage_and_the_poll_goes_on(site_server, tmp_path, poisoned_extraction):
    first, poisoned, third = three_reports(site_server)
    cfg = config(tmp_path, site_server)
    code, out = poll(cfg)
    assert out["fetched"] == 2 and out["kept"] == 2 and out["failed"] == 1, out  # the item after it was processed too
    assert out["source_error"] is None and code == 0  # some items worked: the source is fine
    [failure] = failures(cfg)
    assert (
        failure["url"] == poisoned
        and failure["stage"] == "extract"
        and failure["tries"] == 1
        and not failure["gave_up"]
    )
    assert "unexpected failure while reading the page" in failure["reason"] and failure["next_try_at"].endswith("Z")

    # the next poll within the wait leaves it alone; once the wait is over it is retried, then given up
    _, out = poll(cfg)
    assert out["waiting"] == 1 and out["fetched"] == 0 and out["failed"] == 0
    time_passes(cfg, 1.5)
    _, out = poll(cfg)
    assert out["failed"] == 1 and out["gave_up"] == 1
    [failure] = failures(cfg, "--source", "newsroom")
    assert failure["tries"] == 2 and failure["gave_up"] and failure["next_try_at"] is None
    time_passes(cfg, 24 * 30)
    _, out = poll(cfg)
    assert out["failed"] == 0 and out["skipped"] == 3  # given up: not tried again

    text = run_cli("failures", "--config", cfg)
    assert "gave up" in text.stdout and "extract" in text.stdout and poisoned in text.stdout


def test_a_fixed_item_is_kept_on_its_next_try_and_leaves_the_failures_list(site_server, tmp_path):
    urls = three_reports(site_server)
    site_server.set("/news/poisoned/", "temporarily broken", status=500)
    cfg = config(tmp_path, site_server, tries=5)
    _, out = poll(cfg)
    assert out["failed"] == 1 and out["kept"] == 2
    [failure] = failures(cfg)
    assert failure["stage"] == "fetch" and failure["url"] == urls[1] and "500" in failure["reason"]
    site_server.set("/news/poisoned/", report("Coordinated inauthentic behavior report number 1", 21))
    time_passes(cfg, 1.5)
    _, out = poll(cfg)
    assert out["fetched"] == 1 and out["kept"] == 1 and out["failed"] == 0
    assert failures(cfg) == []


def test_a_source_whose_every_item_failed_is_not_ok(site_server, tmp_path):
    three_reports(site_server)
    for path in ("/news/first/", "/news/poisoned/", "/news/third/"):
        site_server.set(path, "down", status=503)
    cfg = config(tmp_path, site_server)
    code, out = poll(cfg)
    assert code != 0 and out["failed"] == 3
    assert out["source_error"].startswith("every item tried failed (3)")
    status = json.loads(run_cli("status", "--config", cfg, "--json").stdout)
    [source] = [s for s in status["sources"] if s["name"] == "newsroom"]
    assert source["last_outcome"] == "error"


def test_include_rearms_a_given_up_item_and_a_forced_report_without_counts_gets_a_stub(site_server, tmp_path):
    three_reports(site_server)
    site_server.set("/news/poisoned/", "down", status=503)
    cfg = config(tmp_path, site_server, tries=1)
    _, out = poll(cfg)
    assert out["gave_up"] == 1
    # the page comes back, but states no removed-asset counts: relevance alone would drop it
    site_server.set("/news/poisoned/", OTHER.format(title="Notes on an influence operation", filler=FILLER))
    result = run_cli("include", site_server.url("/news/poisoned/"), "--source", "newsroom", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    assert failures(cfg) == []
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        names = [stub.name for stub in s.query(Stub)]
    catalogue.dispose()
    assert "Notes on an influence operation" in names  # force-included: always reaches the queue


def test_failures_of_an_unknown_source_is_a_one_line_error(tmp_path):
    cfg = make_config(tmp_path)
    result = run_cli("failures", "--source", "nope", "--config", cfg)
    assert result.exit_code != 0 and result.stderr.startswith("error: no source named 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1
