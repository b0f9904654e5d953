"""`takedowns` command line.

Each topic lives in its own module that defines click commands; `COMMANDS`
below registers them. Every error prints one `error: ...` line on stderr and
exits with the code `exits.exit_code_for` gives it (documented in README); set
TAKEDOWNS_DEBUG=1 to see tracebacks of internal errors.
"""

from __future__ import annotations

import logging
import os

import click

from scraper import __version__
from scraper.errors import describe

from . import exits
from .common import CONFIG_META_KEY, setup_logging


class TakedownsGroup(click.Group):
    """Turns user mistakes into one `error:` line and a non-zero exit, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(exits.INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            code = exits.exit_code_for(exc)
            if code == exits.INTERNAL:  # a bug, not a user mistake: still one line unless debugging
                if os.environ.get("TAKEDOWNS_DEBUG"):
                    raise
                logging.getLogger("takedowns").debug("internal error", exc_info=True)
                click.echo(f"error: {describe(exc)} (a bug: set TAKEDOWNS_DEBUG=1 for the traceback and report it)", err=True)
            else:
                click.echo(f"error: {describe(exc)}", err=True)
            ctx.exit(code)


@click.group(cls=TakedownsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takedowns")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text for people or JSON lines for machines.",
)
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for debug).")
@click.option("--config", "config_path", default=None, help="Config file for every command (or give it after the command).")
@click.pass_context
def cli(ctx: click.Context, log_format: str, verbose: int, config_path: str | None) -> None:
    """Discover, archive and extract influence-operation takedown reports."""
    setup_logging(log_format, verbose)
    ctx.meta[CONFIG_META_KEY] = config_path


def _register() -> None:
    from . import archive, captures, daemon, extract, fetch, sources, stubs

    for module in (fetch, captures, extract, archive, stubs, sources, daemon):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="takedowns")
