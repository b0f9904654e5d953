"""`takedowns curators ...`: who may use the desk when `[web] auth = "token"`, each with a token of their own."""

from __future__ import annotations

import click

from archive.catalogue import Catalogue
from scraper import curators
from scraper.config import Config

from .common import json_option, print_json, render_table, utc_iso, with_config


@click.group(name="curators")
def curators_group() -> None:
    """Desk curators and their tokens: add (prints the token once), list, revoke."""


def _catalogue(config: Config):
    return Catalogue(config.catalogue_url, migrate=True)


@curators_group.command(name="add")
@click.argument("name")
@with_config
@json_option
def add_cmd(name: str, config: Config, as_json: bool) -> None:
    """Add curator NAME and print their token once (only its SHA-256 is stored)."""
    catalogue = _catalogue(config)
    try:
        token = curators.add(catalogue, name)
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"name": name, "token": token})
        return
    click.echo(token)
    click.echo(
        f"curator {name} added: give them this token (it is not shown again); the desk asks for it as the password "
        '(any user name) when [web] auth = "token"',
        err=True,
    )


@curators_group.command(name="list")
@with_config
@json_option
def list_cmd(config: Config, as_json: bool) -> None:
    """Curators, when added, and whether their token is revoked."""
    catalogue = _catalogue(config)
    try:
        found = curators.listing(catalogue)
    finally:
        catalogue.dispose()
    if as_json:
        print_json([c.to_dict() for c in found])
        return
    for line in render_table(
        ("NAME", "ADDED", "REVOKED"), [(c.name, utc_iso(c.created_at), utc_iso(c.revoked_at) or "") for c in found]
    ):
        click.echo(line)


@curators_group.command(name="revoke")
@click.argument("name")
@with_config
@json_option
def revoke_cmd(name: str, config: Config, as_json: bool) -> None:
    """Revoke NAME's token (their past actions stay recorded under their name)."""
    catalogue = _catalogue(config)
    try:
        curators.revoke(catalogue, name)
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"name": name, "revoked": True})
        return
    click.echo(f"curator {name}: token revoked")


COMMANDS = [curators_group]
