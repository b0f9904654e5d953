"""Start-up: commands load only what they use, so `--help`, `status` and `stubs list` start fast.

The time itself is measured by bench/startup.py; here we check the cause: which
heavy modules each command imports, in a fresh interpreter.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import click.testing

import scraper.cli
from scraper.cli import COMMAND_MODULES, cli

from .conftest import make_config

HEAVY = (
    "trafilatura",
    "htmldate",
    "openpyxl",
    "pypdfium2",
    "pypdf",
    "wacz",
    "warcio",
    "httpx",
    "tenacity",
    "apscheduler",
    "feedparser",
    "lxml",
    "alembic",
    "courlan",
    "sqlalchemy",
    "bs4",
    "defusedxml",
)

# The shipped config.toml's [sources.*] tables: what a deployment lists (feeds, embedded JSON, Wayback, series...).
SHIPPED = Path(__file__).resolve().parent.parent / "config.toml"
SOURCES = SHIPPED.read_text()[SHIPPED.read_text().index("\n[sources.") :]

PROBE = """
import json, sys
from scraper.cli import cli
try:
    cli(sys.argv[1:], prog_name="takedowns")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {h.split(".")[0] for h in HEAVY} and any(m == h or m.startswith(h + ".") for h in HEAVY))), file=sys.stderr)
"""


def heavy_imports(*args: str) -> list[str]:
    code = f"HEAVY = {HEAVY!r}\n" + PROBE
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_status_and_stubs_list_import_no_heavy_module(tmp_path):
    cfg = str(make_config(tmp_path, SOURCES))
    assert heavy_imports("--help") == []
    assert "alembic" in heavy_imports("--config", cfg, "status")  # the first command creates the catalogue
    assert heavy_imports("--config", cfg, "status") == []  # later ones find it current without Alembic
    assert heavy_imports("--config", cfg, "stubs", "list") == []
    assert "trafilatura" in heavy_imports(
        "--config", cfg, "fetch", "--help"
    )  # the probe sees imports when there are some


def test_lazy_command_table_matches_the_modules():
    """Every command in a scraper.cli module's COMMANDS is in COMMAND_MODULES, with its module and help line."""
    found: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(scraper.cli.__path__):
        module = importlib.import_module(f"scraper.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = (info.name, command.get_short_help_str(limit=200))
    assert found == COMMAND_MODULES


def test_help_lists_every_command_and_each_runs(tmp_path):
    result = click.testing.CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in result.output
    assert click.testing.CliRunner().invoke(cli, ["stubs", "--help"]).exit_code == 0
    assert "no such command" in click.testing.CliRunner().invoke(cli, ["nonsense"]).output.lower()
