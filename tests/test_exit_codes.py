"""Documented exit codes, and error lines that name no internal class."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy.exc import OperationalError

from archive.catalogue import Catalogue
from scraper.cli import exits

from .conftest import REPO, make_config, run_cli
from .helpers import assert_one_line_error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_error_line(result) -> str:
    line = assert_one_line_error(result)
    assert not re.search(r"\b[A-Z]\w+(Error|Exception)\b", line), line
    return line


def test_bad_input_is_2(config_path):
    result = run_cli("fetch", "ftp://example.org/x", "--config", config_path)
    assert result.exit_code == exits.USAGE == 2
    one_error_line(result)


def test_remote_failures_are_3(site_server, config_path):
    site_server.set("/gone", "<html>gone</html>", status=404)
    for url in (site_server.url("/gone"), f"http://127.0.0.1:{free_port()}/x"):
        result = run_cli("fetch", url, "--config", config_path)
        assert result.exit_code == exits.FETCH == 3, result.stderr
        one_error_line(result)


def test_unreadable_document_is_4(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("   ")
    result = run_cli("extract", empty)
    assert result.exit_code == exits.EXTRACT == 4, result.stderr
    one_error_line(result)


def test_damaged_catalogue_is_5_without_driver_class_names(tmp_path):
    cfg = make_config(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalogue.sqlite").write_bytes(b"this is not a database file at all" * 100)
    result = run_cli("captures", "--config", cfg)
    assert result.exit_code == exits.CATALOGUE == 5, result.stderr
    assert "not a database" in one_error_line(result)


def test_database_error_mid_command_is_5(config_path, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(Catalogue, "list_captures", locked)
    result = run_cli("captures", "--config", config_path)
    assert result.exit_code == 5
    assert one_error_line(result) == "error: catalogue database error: database is locked"


def test_a_bug_is_70_and_one_line(config_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("capture_id")

    monkeypatch.setattr(Catalogue, "list_captures", broken)
    monkeypatch.delenv("TAKEDOWNS_DEBUG", raising=False)
    result = run_cli("captures", "--config", config_path)
    assert result.exit_code == exits.INTERNAL == 70
    line = one_error_line(result)
    assert "internal error" in line and "TAKEDOWNS_DEBUG=1" in line and "KeyError" not in line


@pytest.mark.parametrize("code", [c.code for c in exits.TABLE])
def test_every_exit_code_is_documented(code):
    page = (REPO / "docs" / "command-line.md").read_text(encoding="utf-8")
    section = page.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{code}` \|", section, re.M), f"exit code {code} missing from docs/command-line.md's table"
