"""`takedowns sources`, `poll`, `backfill`, `include`: discovery from the configured sources."""

from __future__ import annotations

import asyncio

import click

from archive.catalogue import Catalogue
from archive.quickread import SourceHealth, source_health
from scraper.config import Config
from scraper.discover.candidate import Candidate
from scraper.discover.failures import list_failures
from scraper.discover.poll import PollResult, backfill_source, poll_sources, process
from scraper.discover.sources import MANUAL, Source, get_source, load_sources
from scraper.errors import UserError
from scraper.fetch.client import HttpClient, check_url

from . import exits
from .common import catalogue_reader, json_option, print_json, render_table, terminal_progress, utc_iso, with_config


@click.command()
@with_config
@json_option
def sources(config: Config, as_json: bool) -> None:
    """Each configured source: kind, schedule, last poll, items found, last error."""
    configured = load_sources(config)
    with catalogue_reader(config) as reader:
        health = source_health(reader)  # the record `status` reads too
    rows = []
    for src in configured:
        h = health.get(src.name) or SourceHealth(src.name)
        rows.append(
            {
                "name": src.name,
                "kind": src.kind,
                "url": src.url,
                "schedule": src.schedule.text,
                "org": src.org,
                "enabled": src.enabled,
                "last_poll": utc_iso(h.last_run_at),
                "last_success": utc_iso(h.last_success_at),
                "polls": h.runs,
                "items_found": h.items_found_last,
                "last_error": h.last_error if h.failing_since else None,
            }
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no sources configured: add [sources.<name>] tables to the config")
        return
    table = [
        (
            r["name"],
            r["kind"],
            r["schedule"],
            "yes" if r["enabled"] else "no",
            r["last_poll"] or "never",
            r["items_found"],
        )
        for r in rows
    ]
    for line in render_table(("source", "kind", "schedule", "enabled", "last poll", "items"), table):
        click.echo(line)
    for r in rows:
        if r["last_error"]:
            click.echo(f"{r['name']}: last error: {r['last_error']}")


def _report(results: list[PollResult], as_json: bool) -> None:
    if as_json:
        print_json([r.__dict__ for r in results])
    else:
        for r in results:
            line = (
                f"{r.source}: {r.items_found} item(s), {r.fetched} fetched, {r.kept} kept, {r.dropped} dropped, "
                f"{r.skipped} already seen"
            )
            line += f", {r.deferred} left for the next pass" if r.deferred else ""
            line += f", {r.waiting} failed earlier and not due yet" if r.waiting else ""
            line += f", {r.gave_up} given up" if r.gave_up else ""
            click.echo(line + (f", {len(r.errors)} error(s)" if r.errors else ""))
            for e in r.errors:
                click.echo(f"  item error: {e}", err=True)
            if r.source_error:
                click.echo(f"  source error: {r.source_error}", err=True)
    if any(r.source_error for r in results):
        raise SystemExit(exits.FAILED)


@click.command()
@click.argument("names", nargs=-1)
@with_config
@json_option
def poll(names: tuple[str, ...], config: Config, as_json: bool) -> None:
    """One discovery + processing pass over SOURCE(s) (default: every enabled source)."""
    with terminal_progress("polling", "fetching") as progress:
        results = poll_sources(config, list(names) or None, progress)
    _report(results, as_json)


@click.command()
@click.argument("name")
@click.option(
    "--from", "year_from", type=click.IntRange(1996, 2100), default=None, help="First year of captures to consider."
)
@click.option(
    "--to", "year_to", type=click.IntRange(1996, 2100), default=None, help="Last year of captures to consider."
)
@with_config
@json_option
def backfill(name: str, year_from: int | None, year_to: int | None, config: Config, as_json: bool) -> None:
    """Fetch a source's past reports from Wayback Machine captures (each original URL once)."""
    if year_from and year_to and year_from > year_to:
        raise UserError("--from must not be after --to")
    source = get_source(config, name)
    catalogue = Catalogue(config.catalogue_url, migrate=True)

    async def run() -> PollResult:
        async with HttpClient(config.http) as client:
            with terminal_progress("polling", "fetching") as progress:
                return await backfill_source(config, catalogue, client, source, year_from, year_to, progress)

    try:
        result = asyncio.run(run())
    finally:
        catalogue.dispose()
    _report([result], as_json)


@click.command()
@click.argument("url")
@click.option(
    "--source", "source_name", default=None, help="Record it under this source (default: a source named 'manual')."
)
@with_config
@json_option
def include(url: str, source_name: str | None, config: Config, as_json: bool) -> None:
    """Force-include URL: capture and keep it whatever the relevance filters say."""
    check_url(url)
    source = get_source(config, source_name) if source_name else Source(name=MANUAL, kind="feed", url=url)
    catalogue = Catalogue(config.catalogue_url, migrate=True)

    async def run() -> PollResult:
        result = PollResult(source.name, items_found=1)
        async with HttpClient(config.http) as client:
            await process(config, catalogue, client, source, [Candidate(url, "force-included")], result, forced=True)
        return result

    try:
        result = asyncio.run(run())
    finally:
        catalogue.dispose()
    if result.errors:
        raise UserError(result.errors[0])
    _report([result], as_json)


@click.command()
@click.option("--source", "source_name", default=None, help="Only this source's items.")
@with_config
@json_option
def failures(source_name: str | None, config: Config, as_json: bool) -> None:
    """Items that failed at some stage: URL, stage, reason, tries, next try (or given up)."""
    if source_name and source_name != MANUAL:
        get_source(config, source_name)  # an unknown name is a one-line error, not an empty list
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        found = list_failures(catalogue, source_name)
    finally:
        catalogue.dispose()
    if as_json:
        print_json(
            [
                {
                    "source": f.source,
                    "url": f.url,
                    "stage": f.stage,
                    "reason": f.reason,
                    "tries": f.tries,
                    "next_try_at": utc_iso(f.next_try_at),
                    "gave_up": f.gave_up,
                    "last_seen_at": utc_iso(f.last_seen_at),
                }
                for f in found
            ]
        )
        return
    if not found:
        click.echo("no failed items")
        return
    table = [(f.source, f.stage, f.tries, "gave up" if f.gave_up else utc_iso(f.next_try_at), f.url) for f in found]
    for line in render_table(("source", "stage", "tries", "next try", "url"), table):
        click.echo(line)
    for f in found:
        click.echo(f"{f.url}: {f.reason}")


COMMANDS = [sources, poll, backfill, include, failures]
