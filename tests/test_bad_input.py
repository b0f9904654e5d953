"""User mistakes and hostile remotes: one `error:` line, non-zero exit, nothing half-written."""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import Capture, FetchFailure
from scraper.config import load_config

from .conftest import make_config, run_cli, run_console
from .helpers import assert_one_line_error


def catalogue_counts(config_path: Path) -> tuple[int, int]:
    cat = Catalogue(load_config(str(config_path)).catalogue_url, migrate=True)
    with cat.session() as s:
        return s.query(Capture).count(), s.query(FetchFailure).count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "url,fragment",
    [
        ("not a url", "unsupported URL"),
        ("ftp://example.org/file", "only http:// and https://"),
        ("http://", "no host"),
    ],
)
def test_malformed_urls(config_path, url, fragment):
    assert_one_line_error(run_cli("fetch", url, "--config", config_path), fragment)


def test_unreachable_host(config_path):
    result = run_cli("fetch", f"http://127.0.0.1:{free_port()}/x", "--config", config_path)
    assert_one_line_error(result, "cannot connect")
    assert catalogue_counts(config_path) == (0, 1)


def test_dns_failure(config_path):
    result = run_cli("fetch", "http://no-such-host.invalid/report", "--config", config_path)
    assert_one_line_error(result, "no-such-host.invalid")


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_status_is_not_stored(site_server, config_path, status):
    site_server.set("/gone", "<html>nope</html>", status=status)
    result = run_cli("fetch", site_server.url("/gone"), "--config", config_path)
    assert_one_line_error(result, f"HTTP {status}")
    assert catalogue_counts(config_path) == (0, 1)


def test_non_document_and_empty_bodies(site_server, config_path):
    site_server.set("/img.png", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
    site_server.set("/empty", b"")
    assert_one_line_error(run_cli("fetch", site_server.url("/img.png"), "--config", config_path), "image/png")
    assert_one_line_error(run_cli("fetch", site_server.url("/empty"), "--config", config_path), "empty body")
    assert catalogue_counts(config_path)[0] == 0


def test_blankness_is_judged_on_the_whole_body(site_server, config_path):
    """The pipeline's fetch keeps only the decoded body's first bytes (it extracts from the WARC): a page of
    whitespace is still an empty body however long, and a page that starts with pages of it is still a page."""
    site_server.set("/spaces", gzip.compress(b" \r\n\t" * 100_000), Content_Encoding="gzip")
    padded = (
        b"\n" * 50_000
        + b"<html><head><title>Padded</title></head><body><article>"
        + b"<p>We removed 4 accounts and 2 Pages for coordinated inauthentic behavior on review.</p>" * 20
        + b"</article></body></html>"
    )
    site_server.set("/padded", gzip.compress(padded), Content_Encoding="gzip")
    assert_one_line_error(run_cli("fetch", site_server.url("/spaces"), "--config", config_path), "empty body")
    assert catalogue_counts(config_path)[0] == 0
    result = run_cli("fetch", site_server.url("/padded"), "--config", config_path)
    assert result.exit_code == 0, result.output
    assert catalogue_counts(config_path)[0] == 1


def test_missing_and_invalid_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TAKEDOWNS_CONFIG", raising=False)
    assert_one_line_error(run_cli("fetch", "http://127.0.0.1/"), "no config file found")
    assert_one_line_error(run_cli("fetch", "http://127.0.0.1/", "--config", tmp_path / "nope.toml"), "does not exist")
    bad = tmp_path / "bad.toml"
    bad.write_text("[http\nuser_agent = 3")
    assert_one_line_error(run_cli("fetch", "http://127.0.0.1/", "--config", bad), "invalid TOML")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[http]\nmax_redirects = 'many'\n")
    assert_one_line_error(run_cli("captures", "--config", wrong), "max_redirects")


def test_config_nested_too_deeply_is_one_line_and_exit_2(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    proc = run_console("status", "--config", deep)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and "nested too deeply" in proc.stderr, (
        proc.stderr[-500:]
    )


def test_config_from_environment_and_relative_data_dir(site_server, tmp_path, monkeypatch):
    cfg = make_config(tmp_path / "conf")
    monkeypatch.setenv("TAKEDOWNS_CONFIG", str(cfg))
    monkeypatch.chdir(tmp_path)
    site_server.set(
        "/a.html",
        "<html><head><title>A</title></head><body><article><p>"
        + "Text about a takedown. " * 30
        + "</p></article></body></html>",
    )
    assert run_cli("fetch", site_server.url("/a.html")).exit_code == 0
    assert list((tmp_path / "conf" / "data" / "warc").glob("*.warc.gz"))


def test_unwritable_data_folder(tmp_path, site_server):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder should be")
    cfg = make_config(tmp_path, "")
    cfg.write_text(cfg.read_text().replace('dir = "data"', 'dir = "blocker/data"'))
    site_server.set("/a.html", "<html><body><p>hello</p></body></html>")
    assert_one_line_error(run_cli("fetch", site_server.url("/a.html"), "--config", cfg))


def test_console_error_has_no_traceback(config_path):
    proc = run_console("fetch", "gopher://x", "--config", config_path)
    assert proc.returncode != 0
    assert proc.stderr.strip().startswith("error: ") and "Traceback" not in proc.stderr
