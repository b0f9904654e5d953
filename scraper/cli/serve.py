"""`takedowns serve`: the review desk for curators (a local web app on the catalogue)."""

from __future__ import annotations

import click

from scraper.config import Config

from .common import with_config


@click.command()
@click.option("--host", default=None, help="Address to listen on (default [web] host, 127.0.0.1). Off loopback, $TAKEDOWNS_WEB_TOKEN is required.")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default [web] port, 8765).")
@with_config
def serve(host: str | None, port: int | None, config: Config) -> None:
    """Serve the review desk: queue, stubs with evidence, captures, actions, exports, sources."""
    from scraper.web.server import serve as run

    run(config, host, port)


COMMANDS = [serve]
