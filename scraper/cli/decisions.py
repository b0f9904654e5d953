"""`takedowns decisions [--source S]`: what discovery kept or dropped, and why."""

from __future__ import annotations

import click
from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem
from scraper.config import Config
from scraper.discover.sources import load_sources
from scraper.errors import UserError

from .common import json_option, print_json, render_table, with_config


@click.command()
@click.option("--source", "source", default=None, help="Only this source's candidates.")
@with_config
@json_option
def decisions(source: str | None, config: Config, as_json: bool) -> None:
    """List keep/drop decisions on discovered candidates with their reasons, newest last."""
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            query = select(DiscoveredItem).order_by(DiscoveredItem.last_seen_at, DiscoveredItem.id)
            if source is not None:
                query = query.where(DiscoveredItem.source == source)
            rows = list(s.scalars(query))
    finally:
        catalogue.dispose()
    if source is not None and not rows:
        names = sorted(src.name for src in load_sources(config))
        if source not in names:
            raise UserError(
                f"unknown source {source!r}: configured sources are {', '.join(names) or 'none'}; see `takedowns "
                "sources`"
            )
    if as_json:
        print_json(
            [
                {
                    "source": r.source,
                    "url": r.url,
                    "title": r.title,
                    "decision": r.decision,
                    "reason": r.reason,
                    "stage": r.stage,
                    "capture_id": r.capture_id,
                    "first_seen_at": r.first_seen_at.isoformat() + "Z",
                    "last_seen_at": r.last_seen_at.isoformat() + "Z",
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("no decisions yet" + (f" for source {source}" if source else "") + ": try `takedowns poll`")
        return
    table = [(f"{r.last_seen_at:%Y-%m-%d %H:%M}Z", r.source, r.decision, r.reason, r.url) for r in rows]
    for line in render_table(("seen (UTC)", "source", "decision", "reason", "url"), table):
        click.echo(line)


COMMANDS = [decisions]
