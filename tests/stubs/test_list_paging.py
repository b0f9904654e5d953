"""`stubs list` shows a page, newest first: its output does not grow with the archive.

Seven stubs on a real catalogue (SQLite, and PostgreSQL where CI provides it), listed
through the real CLI with a page size of three.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from archive import quickread
from archive.catalogue import Catalogue
from scraper.cli import stubs as stubs_cli
from scraper.config import load_config
from scraper.extract.report import Network, Report
from scraper.stubs import review, store

from ..conftest import make_config, run_cli
from .test_matching_scale import add_report

STUBS = 7


def grow(cfg_path: Path) -> list[str]:
    """Seven stubs (each its own takedown), the third one rejected; their ids oldest first."""
    cfg = load_config(str(cfg_path))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)
    ids = []
    for n in range(STUBS):
        report = Report(
            url=f"https://example.org/p{n}",
            final_url=f"https://example.org/p{n}",
            title=f"Network {n}",
            platform="Meta",
            pub_date=date(2020, 1, 1) + timedelta(days=90 * n),
            text="Active since 2019.",
            networks=[
                Network(
                    origin=["Iran"], counts={"facebook_accounts": 500 + n}, evidence=[f"We removed {500 + n} accounts."]
                )
            ],
        )
        outcome = store.update_stubs_for_report(cfg, catalogue, add_report(catalogue, report, n))
        assert outcome.action == "created" and outcome.stub_id
        ids.append(outcome.stub_id)
    review.reject(catalogue, ids[2], "not a takedown")
    catalogue.dispose()
    return ids


@pytest.fixture
def listed(tmp_path: Path, catalogue_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    cfg = make_config(tmp_path, catalogue=catalogue_url)
    ids = grow(cfg)
    monkeypatch.setattr(stubs_cli, "PAGE_SIZE", 3)
    return cfg, ids


def table_ids(stdout: str) -> list[str]:
    return [line.split()[0] for line in stdout.splitlines()[1:] if line.startswith("TA-")]


def test_default_page_is_the_newest_with_a_footer_naming_the_next(listed):
    cfg, ids = listed
    first = run_cli("stubs", "list", "--config", cfg)
    assert first.exit_code == 0, first.stderr
    assert table_ids(first.stdout) == ids[::-1][:3]
    assert first.stdout.splitlines()[-1] == "stubs 1-3 of 7 (newest first); next page: --offset 3, every stub: --all"
    second = run_cli("stubs", "list", "--offset", "3", "--config", cfg)
    assert table_ids(second.stdout) == ids[::-1][3:6]
    last = run_cli("stubs", "list", "--offset", "6", "--config", cfg)
    assert table_ids(last.stdout) == [ids[0]]
    assert last.stdout.splitlines()[-1] == "stubs 7-7 of 7 (newest first)"  # no next page
    beyond = run_cli("stubs", "list", "--offset", "9", "--config", cfg)
    assert (beyond.exit_code, beyond.stdout.strip()) == (0, "no stubs after the first 9 (7 in all)")


def test_all_lists_every_stub_without_a_footer(listed):
    cfg, ids = listed
    result = run_cli("stubs", "list", "--all", "--config", cfg)
    assert table_ids(result.stdout) == ids[::-1]
    assert "newest first" not in result.stdout
    whole = run_cli(
        "stubs", "list", "--limit", "10", "--config", cfg
    )  # a page holding everything needs no footer either
    assert table_ids(whole.stdout) == ids[::-1] and "--offset" not in whole.stdout


def test_json_is_the_same_page_and_the_footer_goes_to_stderr(listed):
    cfg, ids = listed
    result = run_cli("stubs", "list", "--json", "--limit", "2", "--offset", "1", "--config", cfg)
    assert result.exit_code == 0
    assert [row["id"] for row in json.loads(result.stdout)] == ids[::-1][1:3]
    assert result.stderr.strip() == "stubs 2-3 of 7 (newest first); next page: --offset 3 --limit 2, every stub: --all"
    everything = run_cli("stubs", "list", "--json", "--all", "--config", cfg)
    assert [row["id"] for row in json.loads(everything.stdout)] == ids[::-1] and everything.stderr == ""


def test_a_status_filter_pages_and_counts_only_that_status(listed):
    cfg, ids = listed
    new = [i for i in ids[::-1] if i != ids[2]]
    result = run_cli("stubs", "list", "--status", "new", "--offset", "3", "--config", cfg)
    assert table_ids(result.stdout) == new[3:6]
    assert result.stdout.splitlines()[-1] == "new stubs 4-6 of 6 (newest first)"
    rejected = run_cli("stubs", "list", "--status", "rejected", "--json", "--config", cfg)
    assert [row["id"] for row in json.loads(rejected.stdout)] == [ids[2]] and rejected.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--limit", "5"], "error: --all lists every stub and --limit a page of them: give one of the two"),
        (["--limit", "0"], "error: Invalid value for '--limit'"),
        (["--offset", "-1"], "error: Invalid value for '--offset'"),
    ],
)
def test_bad_paging_options_are_one_line_errors(listed, args, message):
    cfg, _ = listed
    result = run_cli("stubs", "list", *args, "--config", cfg)
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1


def test_a_page_is_read_in_the_same_statements_as_any_other(listed):
    """The page's stubs come from the key's order (LIMIT/OFFSET), on the CLI's own connection and a pooled one."""
    cfg, ids = listed
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with quickread.open_reader(catalogue.url) as own, catalogue.reader() as pooled:
            for reader in (own, pooled):
                assert reader is not None
                page = quickread.stub_page(reader, limit=2, offset=4)
                assert ([r.id for r in page.rows], page.total, page.remaining) == (ids[::-1][4:6], 7, 1)
                rest = quickread.stub_page(reader, limit=None, offset=5)
                assert ([r.id for r in rest.rows], rest.remaining) == (ids[1::-1], 0)
                assert quickread.stub_page(reader, status="rejected").total == 1
    finally:
        catalogue.dispose()
