"""`takedowns migrate`: create the catalogue or bring its schema to this release's revision.

Every command that opens the catalogue migrates it first anyway; this one does only that,
for a deployment that upgrades before it starts its daemon, desk and workers.
"""

from __future__ import annotations

import click

from archive import migrate as schema
from archive.catalogue import Catalogue
from scraper.config import Config

from .common import json_option, print_json, with_config


@click.command()
@with_config
@json_option
def migrate(config: Config, as_json: bool) -> None:
    """Create the catalogue or upgrade its schema to this release's revision."""
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        revision = schema.current_revision(catalogue.engine)
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"catalogue": catalogue.safe_url, "revision": revision})
    else:
        click.echo(f"catalogue {catalogue.safe_url} is at schema revision {revision}")


COMMANDS = [migrate]
