"""Migrating is an explicit step: opening a catalogue never changes its schema unless asked.

`Catalogue(url)` refuses a catalogue at another revision in one line naming the command to
run; `Catalogue(url, migrate=True)` (what the CLI, daemon, desk and workers pass) upgrades it;
`takedowns migrate` does only that. For users nothing changed: every command still migrates.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from archive import migrate
from archive.catalogue import Catalogue
from archive.errors import CatalogueError
from scraper.cli import exits
from scraper.config import load_config

from ..conftest import make_config, run_cli

OLDER = "0015_curators_claims_comments"


def _at_revision(url: str, revision: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            command.upgrade(migrate.alembic_config(conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_opening_an_older_catalogue_does_not_migrate_it(catalogue_url: str, tmp_path: Path) -> None:
    if catalogue_url.startswith("sqlite"):
        Path(catalogue_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    _at_revision(catalogue_url, OLDER)
    with pytest.raises(CatalogueError) as refused:
        Catalogue(catalogue_url)
    message = str(refused.value)
    assert "\n" not in message and OLDER in message and "older" in message and "`takedowns migrate`" in message
    assert _revision(catalogue_url) == OLDER  # untouched

    Catalogue(catalogue_url, migrate=True).dispose()
    assert _revision(catalogue_url) == migrate.head_revision()
    Catalogue(catalogue_url).dispose()  # current now: opens as it is


def test_a_missing_sqlite_catalogue_is_not_created_by_opening_it(tmp_path: Path) -> None:
    db = tmp_path / "data" / "catalogue.sqlite"
    with pytest.raises(CatalogueError, match="no catalogue at .*: run `takedowns migrate` to create it"):
        Catalogue(f"sqlite:///{db}")
    assert not db.parent.exists()


def test_a_catalogue_newer_than_this_release_is_refused_in_one_line(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    url = load_config(str(cfg)).catalogue_url
    Catalogue(url, migrate=True).dispose()
    db = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_from_a_later_release'")
    con.close()
    for migrating in (False, True):
        with pytest.raises(CatalogueError, match="newer than this release's .*: upgrade takedown-archiver"):
            Catalogue(url, migrate=migrating)
    for args in (["status"], ["stubs", "list"], ["captures"]):
        result = run_cli(*args, "--config", cfg)
        assert result.exit_code == exits.CATALOGUE, (args, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "9999_from_a_later_release" in result.stderr


def test_takedowns_migrate_creates_or_upgrades_the_catalogue(catalogue_url: str, tmp_path: Path) -> None:
    cfg = make_config(tmp_path, catalogue=catalogue_url)
    result = run_cli("migrate", "--json", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["revision"] == migrate.head_revision() == _revision(catalogue_url)
    result = run_cli("migrate", "--config", cfg)  # again: nothing to do
    assert result.exit_code == 0 and migrate.head_revision() in result.stdout


def test_every_command_still_migrates_an_older_catalogue(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    url = load_config(str(cfg)).catalogue_url
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    _at_revision(url, OLDER)
    result = run_cli("stubs", "list", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert _revision(url) == migrate.head_revision()
