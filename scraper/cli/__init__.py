"""`takedowns` command line.

Each topic lives in its own module that defines click commands; `COMMANDS`
below registers them. Every error prints one `error: ...` line on stderr and
exits with the code `exits.exit_code_for` gives it (documented in docs/command-line.md); set
TAKEDOWNS_DEBUG=1 to see tracebacks of internal errors.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from typing import NoReturn

import click

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


# Every command: the scraper.cli module defining it (in its COMMANDS) and the one line
# `takedowns --help` shows. Modules load only when their command runs, so `--help`,
# `status` and `stubs list` never import trafilatura, openpyxl or the scheduler.
# tests/test_startup.py fails when this table and the modules disagree.
COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "archive": ("archive", "Local snapshots (WARC/WACZ) and public archive links."),
    "backfill": ("sources", "Fetch a source's past reports from Wayback Machine captures (each original URL once)."),
    "captures": ("captures", "List stored captures, optionally only those of URL."),
    "curators": ("curators", "Desk curators and their tokens: add (prints the token once), list, revoke."),
    "decisions": ("decisions", "List keep/drop decisions on discovered candidates with their reasons, newest last."),
    "demo": (
        "daemon",
        "Offline demo: serve bundled publisher sites on 127.0.0.1 and run the daemon once against them.",
    ),
    "disarm": ("disarm", "DISARM's framework, STIX bundle and incidents master: the copy in use, and updates."),
    "enqueue": (
        "worker",
        "Queue a capture job for each URL (at most one waiting per URL and kind) for `takedowns worker`.",
    ),
    "eval": ("extract", "Score extraction on a gold file; the last line is `counts P=.."),
    "extract": ("extract", "Extract a Report from a local file or from the latest stored capture of a URL."),
    "failures": ("sources", "Items that failed at some stage: URL, stage, reason, tries, next try (or given up)."),
    "fetch": ("fetch", "Fetch one report URL, archive it, and print what was extracted."),
    "include": ("sources", "Force-include URL: capture and keep it whatever the relevance filters say."),
    "migrate": ("catalogue", "Create the catalogue or upgrade its schema to this release's revision."),
    "poll": ("sources", "One discovery + processing pass over SOURCE(s) (default: every enabled source)."),
    "reextract": ("extract", "Re-run extraction over stored captures and report what changed."),
    "run": ("daemon", "Start the daemon: poll every enabled source on its schedule until stopped."),
    "serve": ("serve", "Serve the review desk: queue, stubs with evidence, captures, actions, exports, sources."),
    "sources": ("sources", "Each configured source: kind, schedule, last poll, items found, last error."),
    "status": ("daemon", "Per-source health and catalogue totals; exits 1 when a source is failing."),
    "techniques": ("techniques", "DISARM technique suggestions for stubs, and their evaluation."),
    "stubs": (
        "stubs",
        "Review stub incident records: list, show, accept, reject, reopen, merge, unmerge, split, edit, export.",
    ),
    "worker": (
        "worker",
        "Run capture, render, poll and stub jobs from the queue in the catalogue's PostgreSQL database, pacing each"
        " host across all workers.",
    ),
}


class TakedownsGroup(click.Group):
    """Every error becomes one `error:` line on stderr (and a JSON object on
    stdout under --json) and the exit code `exits.exit_code_for` gives it; loads commands lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            load_module(COMMAND_MODULES[cmd_name][0])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None and command.hidden:
                continue
            # the table's line whether or not the module is loaded yet, so --help never depends on what ran before
            if name in COMMAND_MODULES:
                text = _shorten(COMMAND_MODULES[name][1], limit)
            elif command is not None:
                text = command.get_short_help_str(limit)
            else:
                continue
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
@click.version_option(package_name="takedown-archiver", prog_name="takedowns")  # pyproject's version
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text for people or JSON lines for machines; before or after the command.",
)
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for debug); before or after the command.")
@click.option(
    "--config", "config_path", default=None, help="Config file for every command; before or after the command."
)
@click.pass_context
def cli(ctx: click.Context, log_format: str, verbose: int, config_path: str | None) -> None:
    """Discover, archive and extract influence-operation takedown reports."""
    setup_logging(log_format, verbose)
    ctx.meta[CONFIG_META_KEY] = config_path
    ctx.meta[VERBOSE_META_KEY] = verbose


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 1)].rsplit(" ", 1)[0] + "..."


def load_module(name: str) -> None:
    """Register the commands of scraper.cli.<name> (its COMMANDS list)."""
    module = importlib.import_module(f"{__name__}.{name}")
    for command in module.COMMANDS:
        if command.name not in cli.commands:
            cli.add_command(command)


def main() -> None:
    cli(prog_name="takedowns")
