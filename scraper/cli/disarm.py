"""`takedowns disarm ...`: which DISARM data is in use, and updating it from DISARM's repository."""

from __future__ import annotations

import click

from scraper.config import Config
from scraper.disarm.locate import disarm_in_use
from scraper.disarm.source import PINNED_COMMIT
from scraper.disarm.update import update

from .common import json_option, print_json, with_config


@click.group(name="disarm")
def disarm_group() -> None:
    """DISARM's framework, STIX bundle and incidents master: the copy in use, and updates."""


@disarm_group.command(name="show")
@with_config
@json_option
def show_cmd(config: Config, as_json: bool) -> None:
    """Which DISARM copy is in use (config path, download or packaged snapshot) and its files."""
    in_use = disarm_in_use(config)
    if as_json:
        print_json(in_use.to_dict())
        return
    click.echo(f"DISARM: {in_use.describe()}")
    for key, path in in_use.paths.items():
        origin = "config.toml" if key in in_use.overrides else in_use.copy.origin
        click.echo(f"  {key:<12} {path}   ({origin})")


@disarm_group.command(name="update")
@click.option(
    "--ref",
    default=PINNED_COMMIT,
    show_default="the commit this release pins",
    metavar="TAG_OR_COMMIT",
    help="Tag, branch or commit of DISARMFoundation/DISARMframeworks to download.",
)
@with_config
@json_option
def update_cmd(ref: str, config: Config, as_json: bool) -> None:
    """Download DISARM's framework workbook, STIX bundle and incidents master at REF into the data folder.

    The files are checked (sheets and columns, attack-patterns) before they replace the copy in
    use; a failed or partial download replaces nothing. Paths set in [techniques] still win.
    """
    done = update(config, ref)
    if as_json:
        print_json({"directory": str(done.directory), "ref": done.ref, "commit": done.commit, "files": done.summaries})
        return
    click.echo(f"DISARM {done.commit} (ref {done.ref}) installed in {done.directory}")
    for name, summary in done.summaries.items():
        click.echo(f"  {name}: {summary}")


COMMANDS = [disarm_group]
