"""The HTTP layer against a hostile server: outcome, attempts, time, and a consistent store."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import Capture, FetchFailure, WarcFile
from archive.warc import read_response
from scraper.config import load_config

from ..conftest import make_config, run_cli
from .faults import FAST_HTTP, FaultServer, gzip_bomb

FAST = FAST_HTTP + "retry_max_seconds = 10.0\n"


@pytest.fixture
def faults():
    with FaultServer() as server:
        yield server


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[data]\ndir = "data"\n' + FAST)
    return path


def fetch(cfg: Path, url: str, *extra: str):
    started = time.monotonic()
    result = run_cli("fetch", url, "--config", cfg, "--json", *extra)
    return result, time.monotonic() - started


def assert_store_consistent(cfg: Path) -> None:
    """Every WARC passes `warcio check`, ends where the catalogue says, and every capture reads back."""
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url)
    with catalogue.session() as s:
        for warc in s.query(WarcFile):
            path = config.data_dir / warc.path
            assert path.stat().st_size == warc.committed_size
            check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr
        for capture in s.query(Capture):
            record = read_response(config.data_dir / capture.warc_path, capture.warc_offset)
            assert hashlib.sha256(record.raw_payload).hexdigest() == capture.payload_sha256
    catalogue.dispose()


def failures(cfg: Path) -> list[FetchFailure]:
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url)
    with catalogue.session() as s:
        rows = list(s.query(FetchFailure))
    catalogue.dispose()
    return rows


def test_500_is_retried_then_recorded_as_failure(faults, cfg):
    result, took = fetch(cfg, faults.url("/always-500"))
    assert result.exit_code != 0 and "HTTP 500" in result.stderr and "after 3 attempts" in result.stderr
    assert faults.hits["/always-500"] == 3 and took < 5
    [failure] = failures(cfg)
    assert failure.reason == "http_500" and failure.attempts == 3 and failure.status == 500
    assert_store_consistent(cfg)


def test_404_is_not_retried(faults, cfg):
    result, _ = fetch(cfg, faults.url("/not-found"))
    assert result.exit_code != 0 and faults.hits["/not-found"] == 1
    assert failures(cfg)[0].reason == "http_404"


def test_503_then_200_succeeds_on_second_attempt(faults, cfg):
    result, took = fetch(cfg, faults.url("/503-then-200"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == 200 and faults.hits["/503-then-200"] == 2 and took < 5
    assert_store_consistent(cfg)


def test_429_retry_after_is_honoured(faults, cfg):
    result, took = fetch(cfg, faults.url("/429-retry-after"))
    assert result.exit_code == 0, result.stderr
    assert faults.hits["/429-retry-after"] == 2
    assert 1.0 <= took < 5  # waited the second the server asked for, not the 0.05 s backoff


def test_slow_first_byte_times_out_with_bounded_retries(faults, cfg):
    result, took = fetch(cfg, faults.url("/slow"))
    assert result.exit_code != 0 and "timed out" in result.stderr
    assert faults.hits["/slow"] == 3 and took < 6
    assert failures(cfg)[0].reason == "timeout"
    assert_store_consistent(cfg)


def test_connection_reset_mid_body(faults, cfg):
    result, took = fetch(cfg, faults.url("/reset"))
    assert result.exit_code != 0 and "connection broken" in result.stderr
    assert faults.hits["/reset"] == 3 and took < 5
    assert_store_consistent(cfg)


def test_truncated_gzip_is_refused_and_not_stored(faults, cfg):
    result, _ = fetch(cfg, faults.url("/truncated-gzip"))
    assert result.exit_code != 0 and "truncated" in result.stderr
    assert faults.hits["/truncated-gzip"] == 1
    assert_store_consistent(cfg)


def test_gzip_bomb_is_stopped_not_inflated(faults, cfg):
    gzip_bomb()  # made before the fetch, so the server answers at once
    result, took = fetch(cfg, faults.url("/gzip-bomb"))
    assert result.exit_code != 0 and "decompression bomb" in result.stderr
    assert took < 10
    assert failures(cfg)[0].reason == "bad_encoding"
    assert_store_consistent(cfg)


def test_50mb_body_is_aborted_past_the_cap(faults, cfg):
    result, took = fetch(cfg, faults.url("/huge"))
    assert result.exit_code != 0 and "larger than the 5242880-byte cap" in result.stderr
    assert faults.hits["/huge"] == 1 and took < 10
    assert faults.bytes_sent["/huge"] < 50 * 1024 * 1024
    assert_store_consistent(cfg)


def test_redirect_loop_is_detected(faults, cfg):
    result, _ = fetch(cfg, faults.url("/loop-a"))
    assert result.exit_code != 0 and "redirect loop" in result.stderr
    assert faults.hits["/loop-a"] == 1 and faults.hits["/loop-b"] == 1


def test_robots_disallow_is_honoured_and_can_be_overridden(faults, cfg):
    result, _ = fetch(cfg, faults.url("/private"))
    assert result.exit_code != 0 and f"robots.txt disallows {faults.url('/private')}; add --ignore-robots" in result.stderr
    assert faults.hits["/private"] == 0 and faults.hits["/robots.txt"] == 1
    result, _ = fetch(cfg, faults.url("/private"), "--ignore-robots")
    assert result.exit_code == 0, result.stderr
    assert faults.hits["/private"] == 1


def test_etag_304_cycle_records_unchanged_without_new_bytes(faults, cfg):
    first, _ = fetch(cfg, faults.url("/etag"))
    assert first.exit_code == 0, first.stderr
    config = load_config(str(cfg))
    sizes = {p: p.stat().st_size for p in config.warc_dir.glob("*.warc.gz")}
    second, _ = fetch(cfg, faults.url("/etag"))
    assert second.exit_code == 0, second.stderr
    out = json.loads(second.stdout)
    assert out["unchanged"] and not out["new_capture"] and out["capture_id"] == json.loads(first.stdout)["capture_id"]
    assert faults.headers["/etag"][-1].get("If-None-Match") == '"v1"'
    assert faults.headers["/etag"][-1].get("If-Modified-Since") == "Mon, 01 Nov 2021 10:00:00 GMT"
    assert {p: p.stat().st_size for p in config.warc_dir.glob("*.warc.gz")} == sizes
    listing = json.loads(run_cli("captures", "--config", cfg, "--json").stdout)
    assert listing[0]["seen_count"] == 2
    assert_store_consistent(cfg)


def test_mislabelled_charset_decodes_sensibly_and_raw_bytes_are_kept(faults, cfg):
    result, _ = fetch(cfg, faults.url("/mislabelled"))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["title"] == "Zürich – Iran’s network"
    config = load_config(str(cfg))
    record = read_response(config.data_dir / out["warc"], out["warc_offset"])
    assert "Zürich".encode() in record.raw_payload  # stored exactly as served
    assert_store_consistent(cfg)


def test_private_addresses_are_refused_by_default(faults, tmp_path):
    cfg = make_config(tmp_path)
    cfg.write_text(cfg.read_text().replace("allow_private_networks = true", "allow_private_networks = false"))
    result, _ = fetch(cfg, faults.url("/ok"))
    assert result.exit_code != 0 and "non-public address 127.0.0.1" in result.stderr
    assert sum(faults.hits.values()) == 0  # not even robots.txt was asked for
