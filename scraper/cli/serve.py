"""`takedowns serve`: the review desk for curators (a local web app on the catalogue)."""

from __future__ import annotations

import sys

import click

from scraper.config import Config
from scraper.web.server import serve as run

from .common import json_option, print_json, with_config


@click.command()
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default [web] host, 127.0.0.1). Off loopback, $TAKEDOWNS_WEB_TOKEN is required.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default [web] port, 8765).")
@with_config
@json_option
def serve(host: str | None, port: int | None, config: Config, as_json: bool) -> None:
    """Serve the review desk: queue, stubs with evidence, captures, actions, exports, sources."""

    def announce(url: str) -> None:
        if as_json:
            print_json({"serving": url})
            sys.stdout.flush()  # the desk runs on: a reader of a pipe needs the line now
        else:  # a plain line for the person who started it, not a warning in the log
            click.echo(f"review desk on {url} (Ctrl-C stops it)", err=True)

    run(config, host, port, on_listen=announce)


COMMANDS = [serve]
