"""`takedowns` command line.

Each topic lives in its own module that defines click commands; `COMMANDS`
below registers them. Every error prints one `error: ...` line on stderr and
exits with the code `exits.exit_code_for` gives it (documented in README); set
TAKEDOWNS_DEBUG=1 to see tracebacks of internal errors.
"""

from __future__ import annotations

import logging
import os
import re
from typing import NoReturn

import click

from scraper import __version__
from scraper.errors import describe

from . import exits
from .common import CONFIG_META_KEY, JSON_META_KEY, VERBOSE_META_KEY, print_json, setup_logging


GLOBAL_FLAGS = re.compile(r"^(-v+|--verbose)$")
GLOBAL_WITH_VALUE = ("--log-format", "--config")


def hoist_global_options(args: list[str]) -> list[str]:
    """Move -v, --log-format and --config to the front, so they work before or
    after the command (`takedowns status -v --config x.toml`)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if GLOBAL_FLAGS.match(arg) or arg.startswith(tuple(f"{o}=" for o in GLOBAL_WITH_VALUE)):
            front.append(arg)
        elif arg in GLOBAL_WITH_VALUE and i + 1 < len(args):
            front += args[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


class TakedownsGroup(click.Group):
    """Every error becomes one `error:` line on stderr (and a JSON object on
    stdout under --json) and the exit code `exits.exit_code_for` gives it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = hoist_global_options(args)
        ctx.meta[JSON_META_KEY] = "--json" in args[: args.index("--")] if "--" in args else "--json" in args
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            self._fail(ctx, _usage_message(exc), exc.exit_code)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(exits.INTERRUPTED)
        except BrokenPipeError:
            raise  # the reader went away (`takedowns sources | head`): click exits quietly
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as exc:
            self._fail(ctx, _usage_message(exc), exc.exit_code)
        except Exception as exc:
            code = exits.exit_code_for(exc)
            message = describe(exc)
            if code == exits.INTERNAL:  # a bug, not a user mistake: still one line unless debugging
                if os.environ.get("TAKEDOWNS_DEBUG"):
                    raise
                logging.getLogger("takedowns").debug("internal error", exc_info=True)
                message += " (a bug: set TAKEDOWNS_DEBUG=1 for the traceback and report it)"
            self._fail(ctx, message, code)

    @staticmethod
    def _fail(ctx: click.Context, message: str, code: int) -> NoReturn:
        if ctx.meta.get(JSON_META_KEY):
            print_json({"error": message, "exit_code": code})
        click.echo(f"error: {message}", err=True)
        ctx.exit(code)


def _usage_message(exc: click.ClickException) -> str:
    message = exc.format_message()
    sub = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and sub is not None:
        message += f" (see `{sub.command_path} --help`)"
    return message


@click.group(cls=TakedownsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takedowns")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text for people or JSON lines for machines; before or after the command.",
)
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for debug); before or after the command.")
@click.option("--config", "config_path", default=None, help="Config file for every command; before or after the command.")
@click.pass_context
def cli(ctx: click.Context, log_format: str, verbose: int, config_path: str | None) -> None:
    """Discover, archive and extract influence-operation takedown reports."""
    setup_logging(log_format, verbose)
    ctx.meta[CONFIG_META_KEY] = config_path
    ctx.meta[VERBOSE_META_KEY] = verbose


def _register() -> None:
    from . import archive, captures, daemon, extract, fetch, sources, stubs

    for module in (fetch, captures, extract, archive, stubs, sources, daemon):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="takedowns")
