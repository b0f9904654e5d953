"""Archive links against a Save-Page-Now-compatible fake on 127.0.0.1, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import ArchiveJob, ArchivePause
from scraper.config import load_config

from ..conftest import make_config, run_cli
from ..fakes.wayback import FakeWayback, Script

SECRET = "s3cr3t-value-never-logged"


@pytest.fixture
def wayback():
    with FakeWayback() as fake:
        yield fake


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("WAYBACK_ACCESS_KEY", "acc355")
    monkeypatch.setenv("WAYBACK_SECRET_KEY", SECRET)


def wb_config(tmp_path: Path, fake: FakeWayback, wait: float = 2.0) -> Path:
    cfg = make_config(tmp_path)
    cfg.write_text(
        cfg.read_text().replace("[archive.wayback]\nenabled = false\n", "")
        + f"""
[archive.wayback]
enabled = true
web_base = "{fake.base}"
api_base = "{fake.base}"
submit_interval_seconds = 0.0
wait_seconds = {wait}
poll_interval_seconds = 0.05
"""
    )
    return cfg


def page(site_server, path: str) -> str:
    site_server.set(
        path,
        "<html><head><title>T</title></head><body><article><p>"
        + "We removed 12 Facebook accounts and 3 Pages. " * 20
        + "</p></article></body></html>",
    )
    return site_server.url(path)


def fetch(cfg: Path, url: str, *args: str) -> dict:
    result = run_cli("fetch", url, "--config", cfg, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def jobs(cfg: Path) -> list[ArchiveJob]:
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        rows = list(s.query(ArchiveJob).order_by(ArchiveJob.id))
    catalogue.dispose()
    return rows


def test_successful_capture_gives_a_snapshot_link(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url = page(site_server, "/report-1")
    wayback.scripts[url] = Script(pending_polls=2, timestamp="20261124093015")
    out = fetch(cfg, url)
    assert out["archive_status"] == "success"
    assert out["archive_link"] == f"https://web.archive.org/web/20261124093015/{url}"
    [post] = wayback.posts()
    assert post["headers"]["Authorization"] == f"LOW acc355:{SECRET}" and post["form"]["url"] == url
    assert jobs(cfg)[0].archive_link == out["archive_link"]


def test_slow_job_stays_pending_then_resolves_on_a_later_run(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback, wait=0.3)
    url = page(site_server, "/slow-report")
    wayback.scripts[url] = Script(pending_polls=10**6, timestamp="20261124101010")
    out = fetch(cfg, url)
    assert out["archive_status"] == "pending" and out["archive_link"] is None
    [job] = jobs(cfg)
    assert job.status == "pending" and job.job_id and job.archive_link is None
    wayback.scripts[url].pending_polls = 0
    result = run_cli("archive", "pending", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    [resolved] = json.loads(result.stdout)
    assert resolved["archive_link"] == f"https://web.archive.org/web/20261124101010/{url}"
    assert len(wayback.posts()) == 1  # polled the same job, not submitted again


def test_quota_error_pauses_all_submissions(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    first, second = page(site_server, "/a"), page(site_server, "/b")
    wayback.scripts[first] = Script(submit=["quota"])
    out = fetch(cfg, first)
    assert out["archive_status"] == "pending" and "quota" in out["archive_detail"]
    out = fetch(cfg, second)
    assert out["archive_status"] == "pending" and "paused" in out["archive_detail"]
    assert len(wayback.posts()) == 1
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        assert "too-many-daily-captures" in s.query(ArchivePause).one().reason


def test_http_200_error_body_is_an_error_not_a_link(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url = page(site_server, "/bad")
    wayback.scripts[url] = Script(submit=["error200"])
    out = fetch(cfg, url)
    assert out["archive_status"] == "error" and out["archive_link"] is None
    assert "error:invalid-url-syntax" in jobs(cfg)[0].error


def test_failed_capture_job_is_an_error(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url = page(site_server, "/vanished")
    wayback.scripts[url] = Script(outcome="error")
    out = fetch(cfg, url)
    assert out["archive_status"] == "error" and out["archive_link"] is None


def test_http_429_backs_off(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url, other = page(site_server, "/busy"), page(site_server, "/later")
    wayback.scripts[url] = Script(submit=["http429"])
    assert fetch(cfg, url)["archive_status"] == "pending"
    assert "paused" in fetch(cfg, other)["archive_detail"]
    assert len(wayback.posts()) == 1


def test_recent_existing_snapshot_is_reused_without_submitting(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url = page(site_server, "/known")
    from archive.clock import utcnow

    ts = utcnow().strftime("%Y%m%d%H%M%S")
    wayback.snapshots[url] = ts
    out = fetch(cfg, url)
    assert out["archive_link"] == f"https://web.archive.org/web/{ts}/{url}"
    assert wayback.posts() == []


def test_without_credentials_fetch_works_and_link_is_pending(site_server, wayback, tmp_path, monkeypatch):
    monkeypatch.delenv("WAYBACK_ACCESS_KEY", raising=False)
    monkeypatch.delenv("WAYBACK_SECRET_KEY", raising=False)
    cfg = wb_config(tmp_path, wayback)
    out = fetch(cfg, page(site_server, "/nocreds"))
    assert out["archive_status"] == "pending" and "no Wayback credentials" in out["archive_detail"]
    assert wayback.posts() == []
    assert list((tmp_path / "data" / "warc").rglob("*.warc.gz"))  # local snapshot still made


def test_credentials_never_reach_logs_or_the_catalogue(site_server, wayback, creds, tmp_path):
    cfg = wb_config(tmp_path, wayback)
    url = page(site_server, "/secret-check")
    wayback.scripts[url] = Script(submit=["http500", "ok"])
    result = run_cli("-vv", "fetch", url, "--config", cfg, "--json")
    assert result.exit_code == 0
    assert SECRET not in result.stdout + result.stderr
    run_cli("-vv", "archive", "pending", "--config", cfg)
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_a_resolved_archive_link_reaches_the_feed_at_once(site_server, wayback, creds, tmp_path):
    """The stub's feed entry links its public archive when `archive pending` resolves it, not at the next housekeeping."""
    cfg = wb_config(tmp_path, wayback, wait=0.3)
    url = page(site_server, "/slow-feed-report")
    wayback.scripts[url] = Script(pending_polls=10**6, timestamp="20261124101010")
    out = fetch(cfg, url)
    assert out["stub_action"] == "created" and out["archive_status"] == "pending"
    feed = (tmp_path / "data" / "stubs.atom").read_text()
    assert f"urn:takedowns:stub:{out['stub_id']}" in feed and "web.archive.org" not in feed  # fetch wrote the feed
    wayback.scripts[url].pending_polls = 0
    assert run_cli("archive", "pending", "--config", cfg).exit_code == 0
    feed = (tmp_path / "data" / "stubs.atom").read_text()
    assert f'href="https://web.archive.org/web/20261124101010/{url}" rel="related"' in feed
