"""docs/cli.md is generated from --help and must not go stale."""

from __future__ import annotations

from scraper.cli import cli
from scraper.cli.reference import render

from .conftest import REPO


def test_cli_reference_is_current():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(cli), (
        "docs/cli.md is stale: run `make docs` (python -m scraper.cli.reference > docs/cli.md)"
    )


def test_cli_reference_covers_every_command():
    text = render(cli)
    for name, command in cli.commands.items():
        assert f"## takedowns {name}\n" in text
        for sub in getattr(command, "commands", {}):
            assert f"## takedowns {name} {sub}\n" in text
