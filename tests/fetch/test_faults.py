"""The HTTP layer against a hostile server: outcome, attempts, waits, and a consistent store.

Time is checked as events, never as a window on the test's clock (which a loaded
machine stretches): the waits the client planned (its "retrying in" lines) against
the configured backoff, the gaps the server saw between attempts (a lower bound,
which load can only lengthen), and whether the client hung up before a slow answer.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import Capture, FetchFailure, WarcFile
from archive.warc import read_response
from scraper.config import load_config

from ..conftest import make_config, run_cli
from .faults import FAST_HTTP, FaultServer, gzip_bomb

FAST = FAST_HTTP + "retry_max_seconds = 10.0\n"
RETRY_MAX_WAIT = tomllib.loads(FAST_HTTP)["http"]["retry_max_wait"]
RETRYING = re.compile(r"attempt \d+ failed .*; retrying in (\d+\.\d)s")


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
    return run_cli("fetch", url, "--config", cfg, "--json", *extra)


def planned_waits(result) -> list[float]:
    """The seconds the client said it would wait before each retry (logged to one decimal)."""
    return [float(m.group(1)) for m in RETRYING.finditer(result.stderr)]


def assert_waits(result, faults: FaultServer, path: str) -> list[float]:
    """One planned wait per retry, and the server saw the client wait it out before the next attempt."""
    waits = planned_waits(result)
    arrived = faults.arrived[path]
    assert len(waits) == len(arrived) - 1, (waits, arrived)
    gaps = [b - a for a, b in zip(arrived, arrived[1:], strict=False)]
    assert all(gap >= wait - 0.05 for gap, wait in zip(gaps, waits, strict=True)), (
        gaps,
        waits,
    )  # 0.05: the log's rounding
    return waits


def assert_backoff_waits(result, faults: FaultServer, path: str) -> None:
    """Retries wait the configured backoff: every planned wait within [http] retry_max_wait (the default would be 2 s and more)."""
    waits = assert_waits(result, faults, path)
    assert waits and all(w <= RETRY_MAX_WAIT for w in waits), waits


def assert_store_consistent(cfg: Path) -> None:
    """Every WARC passes `warcio check`, ends where the catalogue says, and every capture reads back."""
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    with catalogue.session() as s:
        for warc in s.query(WarcFile):
            path = config.data_dir / warc.path
            assert path.stat().st_size == warc.committed_size
            check = subprocess.run(
                [sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True
            )
            assert check.returncode == 0, check.stdout + check.stderr
        for capture in s.query(Capture):
            record = read_response(config.data_dir / capture.warc_path, capture.warc_offset)
            assert hashlib.sha256(record.raw_payload).hexdigest() == capture.payload_sha256
    catalogue.dispose()


def failures(cfg: Path) -> list[FetchFailure]:
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        rows = list(s.query(FetchFailure))
    catalogue.dispose()
    return rows


def test_500_is_retried_then_recorded_as_failure(faults, cfg):
    result = fetch(cfg, faults.url("/always-500"))
    assert result.exit_code != 0 and "HTTP 500" in result.stderr and "after 3 attempts" in result.stderr
    assert faults.hits["/always-500"] == 3
    assert_backoff_waits(result, faults, "/always-500")
    [failure] = failures(cfg)
    assert failure.reason == "http_500" and failure.attempts == 3 and failure.status == 500
    assert_store_consistent(cfg)


def test_404_is_not_retried(faults, cfg):
    result = fetch(cfg, faults.url("/not-found"))
    assert result.exit_code != 0 and faults.hits["/not-found"] == 1
    assert failures(cfg)[0].reason == "http_404"


def test_503_then_200_succeeds_on_second_attempt(faults, cfg):
    result = fetch(cfg, faults.url("/503-then-200"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == 200 and faults.hits["/503-then-200"] == 2
    assert_backoff_waits(result, faults, "/503-then-200")
    assert_store_consistent(cfg)


def test_429_retry_after_is_honoured(faults, cfg):
    result = fetch(cfg, faults.url("/429-retry-after"))
    assert result.exit_code == 0, result.stderr
    assert faults.hits["/429-retry-after"] == 2
    assert assert_waits(result, faults, "/429-retry-after") == [
        1.0
    ]  # the second the server asked for, not the 0.05 s backoff


def test_slow_first_byte_times_out_with_bounded_retries(faults, cfg):
    result = fetch(cfg, faults.url("/slow"))
    assert result.exit_code != 0 and "timed out" in result.stderr
    assert faults.hits["/slow"] == 3
    assert faults.hung_up["/slow"] == 3, "each attempt gave up on the held answer; none waited for it"
    assert_backoff_waits(result, faults, "/slow")
    assert failures(cfg)[0].reason == "timeout"
    assert_store_consistent(cfg)


def test_connection_reset_mid_body(faults, cfg):
    result = fetch(cfg, faults.url("/reset"))
    assert result.exit_code != 0 and "connection broken" in result.stderr  # noticed at once, not by a read timeout
    assert faults.hits["/reset"] == 3
    assert_backoff_waits(result, faults, "/reset")
    assert [f.reason for f in failures(cfg)] == ["broken_connection"]
    assert_store_consistent(cfg)


def test_truncated_gzip_is_refused_and_not_stored(faults, cfg):
    result = fetch(cfg, faults.url("/truncated-gzip"))
    assert result.exit_code != 0 and "truncated" in result.stderr
    assert faults.hits["/truncated-gzip"] == 1
    assert_store_consistent(cfg)


def test_gzip_bomb_is_stopped_not_inflated(faults, cfg):
    gzip_bomb()  # made before the fetch, so the server answers at once
    result = fetch(cfg, faults.url("/gzip-bomb"))
    # stopped at the cap as it streamed in (8388608 is FAST_HTTP's max_decompressed_bytes), not
    # inflated to 64 MB first; tests/fetch/test_decode.py bounds the chunks fed and the memory used
    assert result.exit_code != 0 and "exceeds 8388608 bytes (decompression bomb?)" in result.stderr
    assert failures(cfg)[0].reason == "bad_encoding"
    assert_store_consistent(cfg)


def test_50mb_body_is_aborted_past_the_cap(faults, cfg):
    result = fetch(cfg, faults.url("/huge"))
    assert result.exit_code != 0 and "larger than the 5242880-byte cap" in result.stderr
    assert faults.hits["/huge"] == 1
    assert faults.bytes_sent["/huge"] < 50 * 1024 * 1024  # the client hung up: the server could not send it all
    assert_store_consistent(cfg)


def test_redirect_loop_is_detected(faults, cfg):
    result = fetch(cfg, faults.url("/loop-a"))
    assert result.exit_code != 0 and "redirect loop" in result.stderr
    assert faults.hits["/loop-a"] == 1 and faults.hits["/loop-b"] == 1


def test_robots_disallow_is_honoured_and_can_be_overridden(faults, cfg):
    result = fetch(cfg, faults.url("/private"))
    assert (
        result.exit_code != 0 and f"robots.txt disallows {faults.url('/private')}; add --ignore-robots" in result.stderr
    )
    assert faults.hits["/private"] == 0 and faults.hits["/robots.txt"] == 1
    result = fetch(cfg, faults.url("/private"), "--ignore-robots")
    assert result.exit_code == 0, result.stderr
    assert faults.hits["/private"] == 1


def test_etag_304_cycle_records_unchanged_without_new_bytes(faults, cfg):
    first = fetch(cfg, faults.url("/etag"))
    assert first.exit_code == 0, first.stderr
    config = load_config(str(cfg))
    sizes = {p: p.stat().st_size for p in config.warc_dir.glob("*.warc.gz")}
    second = fetch(cfg, faults.url("/etag"))
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
    result = fetch(cfg, faults.url("/mislabelled"))
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
    result = fetch(cfg, faults.url("/ok"))
    assert result.exit_code != 0 and "non-public address 127.0.0.1" in result.stderr
    assert sum(faults.hits.values()) == 0  # not even robots.txt was asked for
