"""Shared fixtures: a site on 127.0.0.1 (`tests.helpers.SiteServer`), temp configs, the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scraper.cli import cli

from .helpers import SiteServer

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
SITES = REPO / "scraper" / "demo" / "sites"  # the publisher sites the demo serves, reused as fixtures


@pytest.fixture
def site_server() -> Iterator[SiteServer]:
    with SiteServer(SITES) as server:
        yield server


def make_config(tmp_path: Path, extra: str = "", *, catalogue: str | None = None) -> Path:
    """Write a config.toml for tests: data under tmp_path, loopback allowed, short timeouts.

    `catalogue`: a catalogue URL (the `catalogue_url` fixture) instead of the default SQLite file.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    if catalogue:
        extra = f"\n[catalogue]\nurl = {json.dumps(catalogue)}\n" + textwrap.dedent(extra)
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(
            """
            [data]
            dir = "data"

            [http]
            allow_private_networks = true
            connect_timeout = 2.0
            read_timeout = 2.0
            total_timeout = 10.0
            user_agent = "takedown-archiver-tests/1.0"
            per_host_delay = 0.0
            retry_initial_wait = 0.05
            retry_max_wait = 0.2
            retry_attempts = 3

            [archive.wayback]
            enabled = false
            """
        )
        + textwrap.dedent(extra)
    )
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return make_config(tmp_path)


def run_cli(*args: str | Path) -> Result:
    """Run the real click application in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run_console(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `takedowns` as a separate process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "scraper", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


# --- catalogue back-ends: SQLite always, PostgreSQL when TAKEDOWNS_TEST_PG_URL names a server ---

PG_ENV = "TAKEDOWNS_TEST_PG_URL"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards (skips without a server)."""
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (CI sets it; see .ci/run)")
    name = f"takedowns_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin, name: str) -> None:
    """Drop a test database. Not `WITH (FORCE)`: that refuses when an autovacuum worker (another
    role's process) is in the database after heavy writes, while a plain DROP stops autovacuum
    itself. The test's own sessions are ended first; a DROP that still sees one of them exiting
    is tried again."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    for attempt in range(5):  # each DROP itself waits up to 5 s for sessions to leave
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND usename = current_user "
                    "AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except OperationalError:  # "is being accessed by other users": a terminated session still exiting
                if attempt == 4:
                    raise


@pytest.fixture(params=["sqlite", "postgresql"])
def catalogue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The catalogue URL of one test, once per back-end; pass it to make_config(..., catalogue=...)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'catalogue.sqlite'}"
    return request.getfixturevalue("pg_url")
