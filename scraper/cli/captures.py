"""`takedowns captures [URL]`: what is stored, newest last."""

from __future__ import annotations

import click

from archive.catalogue import Catalogue
from scraper.config import Config

from .common import json_option, print_json, render_table, with_config


@click.command()
@click.argument("url", required=False)
@with_config
@json_option
def captures(url: str | None, config: Config, as_json: bool) -> None:
    """List stored captures, optionally only those of URL."""
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            rows = catalogue.list_captures(s, url)
    finally:
        catalogue.dispose()
    if as_json:
        print_json(
            [
                {
                    "capture_id": c.id,
                    "url": c.url,
                    "final_url": c.final_url,
                    "fetched_at": c.fetched_at.isoformat() + "Z",
                    "last_seen_at": c.last_seen_at.isoformat() + "Z",
                    "seen_count": c.seen_count,
                    "rendered": c.rendered,
                    "status": c.status,
                    "content_type": c.content_type,
                    "payload_sha256": c.payload_sha256,
                    "payload_length": c.payload_length,
                    "warc": c.warc_path,
                    "warc_offset": c.warc_offset,
                    "warc_length": c.warc_length,
                }
                for c in rows
            ]
        )
        return
    if not rows:
        click.echo("no captures" + (f" of {url}" if url else "") + " stored yet: try `takedowns fetch URL`")
        return
    table = [
        (
            c.id,
            f"{c.fetched_at:%Y-%m-%d %H:%M:%S}Z",
            c.status,
            "browser" if c.rendered else "plain",
            c.payload_sha256[:12],
            c.seen_count,
            c.url,
        )
        for c in rows
    ]
    for line in render_table(("id", "fetched (UTC)", "status", "kind", "sha256", "seen", "url"), table):
        click.echo(line)


COMMANDS = [captures]
