"""`takedowns worker` and `takedowns enqueue`: captures as jobs shared by workers on several machines (issue 32)."""

from __future__ import annotations

import asyncio

import click

from scraper.config import Config
from scraper.daemon.status import collect_status
from scraper.fetch.client import check_url

from .common import catalogue_reader, json_option, print_json, with_config


@click.command(name="worker")
@click.option(
    "--concurrency", type=click.IntRange(min=1), default=4, show_default=True, help="Jobs run at once in this worker."
)
@click.option("--until-empty", is_flag=True, help="Stop once no job is waiting (batch runs, tests, benchmarks).")
@click.option(
    "--stalled-after",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds without a heartbeat after which another worker's running job is queued again (it was killed).",
)
@click.option(
    "--queue",
    "queues",
    type=click.Choice(["default", "polls", "stubs"]),
    multiple=True,
    help="Run only these queues (repeatable; default: all): default = captures and renders, polls = source polls,"
    " stubs = the stub stage.",
)
@with_config
@json_option
def worker_cmd(
    concurrency: int, until_empty: bool, stalled_after: float, queues: tuple[str, ...], config: Config, as_json: bool
) -> None:
    """Run capture, render, poll and stub jobs from the queue in the catalogue's PostgreSQL database, pacing each
    host across all workers.

    Needs [catalogue] url on PostgreSQL; with several machines also [storage] kind = "s3".
    With --json, the status (as `status --json`) is printed once it has stopped.
    """
    from scraper.scaleout import jobs  # imported here: procrastinate is only needed by workers

    jobs.run(
        config,
        concurrency=concurrency,
        until_empty=until_empty,
        stalled_after=stalled_after,
        queues=queues or jobs.QUEUES,
    )
    if as_json:
        with catalogue_reader(config) as reader:
            print_json({"stopped": True, "status": collect_status(config, reader).to_dict()})


@click.command(name="enqueue")
@click.argument("urls", nargs=-1, required=True)
@click.option("--render", is_flag=True, help="Capture in Chromium on the worker, as `takedowns fetch --render`.")
@with_config
@json_option
def enqueue_cmd(urls: tuple[str, ...], render: bool, config: Config, as_json: bool) -> None:
    """Queue a capture job for each URL (at most one waiting per URL and kind) for `takedowns worker`."""
    from scraper.scaleout import jobs  # procrastinate: the optional [workers] extra

    for url in urls:
        check_url(url)
    ids = asyncio.run(jobs.enqueue(config, list(urls), render=render))
    if as_json:
        print_json([{"url": u, "job": i} for u, i in zip(urls, ids, strict=True)])
        return
    for url, job in zip(urls, ids, strict=True):
        click.echo(f"{'queued job ' + str(job) if job is not None else 'already queued':>16}  {url}")


COMMANDS = [worker_cmd, enqueue_cmd]
