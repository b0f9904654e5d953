"""One version, written once in pyproject.toml, and a CHANGELOG entry for it."""

from __future__ import annotations

import re
import tomllib

from click.testing import CliRunner

import scraper
from scraper.cli import cli

from ..conftest import REPO

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_takedowns_version_is_pyprojects():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"takedowns, version {VERSION}", (
        f"{result.output.strip()!r}: the installed metadata is older than pyproject.toml: run `make install`"
    )
    assert scraper.__version__ == VERSION


def test_the_version_is_written_in_one_place():
    literal = re.compile(r"""__version__\s*=\s*["']""")
    copies = [str(p.relative_to(REPO)) for p in (REPO / "scraper").rglob("*.py") if literal.search(p.read_text())]
    copies += [str(p.relative_to(REPO)) for p in (REPO / "archive").rglob("*.py") if literal.search(p.read_text())]
    assert not copies, f"a second copy of the version (pyproject.toml is the one place): {copies}"


def test_the_changelog_has_an_entry_for_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\]", changelog, re.M), f"CHANGELOG.md has no '## [{VERSION}]' entry"
