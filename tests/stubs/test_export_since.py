"""`stubs export --since`: only the stubs whose exported record changed, found by index.

Seven stubs on a real catalogue (SQLite, and PostgreSQL where CI provides it), dated
back to January; then one is edited, one has a technique accepted, and one sees the archive
link of a report it cites resolve. The real CLI exports
xlsx (read back with openpyxl) and csv.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import ArchiveJob, Stub
from scraper.config import load_config

from ..conftest import make_config, run_cli
from ..techniques.conftest import techniques_config
from .test_list_paging import grow

JANUARY = datetime(2026, 1, 1)


def exported_names(cfg: Path, out: Path, *args: str) -> tuple[list[str], dict]:
    result = run_cli("stubs", "export", "--format", "xlsx", "-o", str(out), "--json", *args, "--config", cfg)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out / "stubs.xlsx", read_only=True)
    sheet = book["incidents"]
    rows = list(sheet.iter_rows(values_only=True))
    names = [dict(zip(rows[0], row, strict=True))["name"] for row in rows[1:]]
    book.close()
    return names, json.loads(result.stdout)


@pytest.fixture
def dated(tmp_path: Path, catalogue_url: str) -> tuple[Path, list[str]]:
    """Seven stubs (the third rejected), every one last changed in January."""
    cfg = make_config(tmp_path, techniques_config(), catalogue=catalogue_url)
    ids = grow(cfg)
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        s.execute(update(Stub).values(updated_at=JANUARY))
    catalogue.dispose()
    return cfg, ids


def test_since_exports_the_stubs_changed_by_an_edit_a_technique_or_a_resolved_link(dated, tmp_path):
    cfg, ids = dated
    everything, first = exported_names(cfg, tmp_path / "all")
    assert len(everything) == 6  # the rejected one is left out, as without --since
    quiet, _ = exported_names(cfg, tmp_path / "quiet", "--since", "2026-06-01")
    assert quiet == []

    assert run_cli("stubs", "edit", ids[0], "--name", "Edited network", "--config", cfg).exit_code == 0
    accepted = run_cli("stubs", "techniques", ids[1], "accept", "T0097.202", "--config", cfg)
    assert accepted.exit_code == 0, accepted.stderr
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:  # the row the Wayback client writes when a capture's status answers success
        link = "https://web.archive.org/web/20260601000000/https://example.org/p3"
        s.add(
            ArchiveJob(
                url="https://example.org/p3",
                status="success",
                archive_timestamp="20260601000000",
                archive_link=link,
                checked_at=utcnow(),
                attempts=1,
            )
        )
    catalogue.dispose()

    changed, meta = exported_names(cfg, tmp_path / "changed", "--since", "2026-06-01")
    assert sorted(changed) == sorted(["Edited network", everything[1], everything[2]])  # ids 0, 1 and 3 (2 is rejected)
    assert meta["stubs"] == 3
    urls = openpyxl.load_workbook(tmp_path / "changed" / "stubs.xlsx", read_only=True)["urls"]
    assert link in [
        cell for row in urls.iter_rows(values_only=True) for cell in row
    ]  # the link that made the stub change
    assert datetime.fromisoformat(meta["exported_at"]) >= datetime.fromisoformat(first["exported_at"])

    since_now, _ = exported_names(cfg, tmp_path / "next", "--since", meta["exported_at"])
    assert since_now == [] or all(name in changed for name in since_now)  # only what changed in the same second


def test_since_csv_and_text_output_name_the_next_since(dated, tmp_path):
    cfg, ids = dated
    assert run_cli("stubs", "edit", ids[4], "--name", "Edited network", "--config", cfg).exit_code == 0
    result = run_cli(
        "stubs", "export", "--format", "csv", "-o", str(tmp_path / "csv"), "--since", "2026-06-01", "--config", cfg
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("exported 1 stub(s) changed since 2026-06-01T00:00:00 to ")
    assert "; next time: --since 20" in result.stdout
    with (tmp_path / "csv" / "incidents.csv").open(newline="") as fh:
        assert [row["name"] for row in csv.DictReader(fh)] == ["Edited network"]


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-06-01T25:00:00"])
def test_a_since_that_is_not_a_time_is_a_one_line_error(dated, tmp_path, value):
    cfg, _ = dated
    result = run_cli(
        "stubs", "export", "--format", "xlsx", "-o", str(tmp_path / "x"), "--since", value, "--config", cfg
    )
    assert result.exit_code == 2
    assert "--since" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
