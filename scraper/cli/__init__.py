"""`takedowns` command line.

Each topic lives in its own module that defines click commands; `COMMANDS`
below registers them. Errors the user can fix (UserError) print one line on
stderr and exit non-zero; set TAKEDOWNS_DEBUG=1 to see tracebacks.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from scraper import __version__
from scraper.errors import UserError

from .common import setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takedowns")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text for people or JSON lines for machines.",
)
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for debug).")
def cli(log_format: str, verbose: int) -> None:
    """Discover, archive and extract influence-operation takedown reports."""
    setup_logging(log_format, verbose)


def _register() -> None:
    from . import captures, fetch

    for module in (fetch, captures):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli.main(standalone_mode=False, prog_name="takedowns")
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not a user mistake: still one line unless debugging
        if os.environ.get("TAKEDOWNS_DEBUG"):
            raise
        logging.getLogger("takedowns").debug("internal error", exc_info=True)
        click.echo(
            f"internal error: {exc.__class__.__name__}: {exc} (set TAKEDOWNS_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(1)
