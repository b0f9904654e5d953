"""`takedowns run` (the daemon) and `takedowns status` (its health check)."""

from __future__ import annotations

import gc
import sys
from datetime import datetime
from pathlib import Path

import click

from scraper.config import Config
from scraper.daemon.status import Status, collect_status
from scraper.scaleout.leader import SchedulerLease
from scraper.techniques import ahead

from . import exits
from .common import catalogue_reader, json_option, print_json, render_table, with_config


@click.command()
@with_config
@click.option("--once", is_flag=True, help="Run every enabled source once, then stop.")
@click.option(
    "--for",
    "duration",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Stop after this many seconds.",
)
@click.option(
    "--one-scheduler",
    is_flag=True,
    help="With several daemons on one PostgreSQL catalogue: wait until this one is elected; exactly one polls,"
    " another takes over when it stops.",
)
@click.option(
    "--poll-jobs",
    is_flag=True,
    help="Queue each source's poll as a job for `takedowns worker` (PostgreSQL catalogue) instead of polling in"
    " this process.",
)
@json_option
def run(
    config: Config, once: bool, duration: float | None, one_scheduler: bool, poll_jobs: bool, as_json: bool
) -> None:
    """Start the daemon: poll every enabled source on its schedule until stopped.

    SIGTERM or Ctrl-C stops it cleanly (in-flight polls get [daemon] grace_seconds).
    With --json, the status (as `status --json`) is printed once it has stopped.
    """
    from scraper.daemon.scheduler import Daemon  # APScheduler and the pipeline: only for `run`
    from scraper.web.server import desk_beside_daemon  # Starlette and the ORM: only for `run`

    defer_polls = None
    if poll_jobs:
        from scraper.scaleout import jobs  # procrastinate: the optional [workers] extra

        jobs.check_queue(config)
        defer_polls = jobs.defer_poll
    lease = None
    if one_scheduler:
        lease = SchedulerLease(config.catalogue_url)
        lease.wait()
    try:
        ahead.start(config)  # the technique model, fitted in the background while the daemon polls
        with desk_beside_daemon(config):
            Daemon(config, once=once, duration=duration, defer_polls=defer_polls).run()
    finally:
        if lease is not None:
            lease.release()
    # the process ends next: its final collections need not walk every object (seconds on a busy machine,
    # past the grace period)
    gc.freeze()
    if as_json:
        with catalogue_reader(config) as reader:
            print_json({"stopped": True, "status": collect_status(config, reader).to_dict()})


@click.command()
@with_config
@json_option
def status(config: Config, as_json: bool) -> None:
    """Per-source health and catalogue totals; exits 1 when a source is failing.

    A source is failing when all its runs since the last success ended in error
    for longer than [daemon] failing_threshold_hours (a container health check).
    """
    with catalogue_reader(config) as reader:
        report = collect_status(config, reader)
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(render_status(report))
    failing = [s.name for s in report.sources if s.enabled and s.failing]
    if failing:
        click.echo(
            f"unhealthy: {', '.join(failing)} failing for more than {report.failing_threshold_hours:g}h "
            "(see last error above)",
            err=True,
        )
        sys.exit(exits.FAILED)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"  # catalogue times are UTC


def render_status(report: Status) -> str:
    daemon = f"running (pid {report.daemon_pid})" if report.daemon_pid else "not running"
    lines = [f"daemon: {daemon}    data: {report.data_dir}", ""]
    header = ("source", "schedule", "last run (UTC)", "outcome", "last success", "items last/all", "next run", "health")
    rows = []
    for s in report.sources:
        health = (
            "FAILING" if s.failing else "erroring" if s.failing_since else "ok" if s.last_success_at else "never ran"
        )
        if not s.enabled:
            health = "not configured"
        rows.append(
            (
                s.name,
                s.schedule or "-",
                _when(s.last_run_at),
                s.last_outcome or "-",
                _when(s.last_success_at),
                f"{s.items_found_last}/{s.items_found_total}",
                _when(s.next_run_at),
                health,
            )
        )
    if not rows:
        lines.append("no sources configured and no runs recorded")
    else:
        lines += render_table(header, rows)
    errors = [s for s in report.sources if s.last_error and s.failing_since]
    for s in errors:
        lines.append(f"  {s.name}: last error {_when(s.last_error_at)}: {s.last_error}")
    t = report.totals
    stub_text = ", ".join(f"{k} {v}" for k, v in sorted(t["stubs"].items())) or "none"
    lines += [
        "",
        f"captures: {t['captures']} of {t['urls']} URL(s)    reports: {t['reports']}    WARC files: {t['warc_files']}  "
        f"  fetch failures: {t['fetch_failures']}",
        f"stubs: {stub_text}    pending archive jobs: {t['archive_jobs_pending']}",
        f"DISARM: {report.disarm.get('description', '-')}",
    ]
    if report.quarantined:
        lines.append(
            f"quarantine: {len(report.quarantined)} WARC file(s) moved aside, not deleted, in"
            f" {report.data_dir}/quarantine"
            " (`takedowns archive verify` says which hold captures the catalogue lacks; `takedowns archive reindex`"
            " catalogues them)"
        )
    return "\n".join(lines)


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-data"),
    show_default=True,
    help="Folder for the demo's config, catalogue and WARC files.",
)
@click.option(
    "--seconds",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Stop after this long even if a source is still running.",
)
@json_option
def demo(directory: Path, seconds: float, as_json: bool) -> None:
    """Offline demo: serve bundled publisher sites on 127.0.0.1 and run the daemon once against them."""
    from scraper.demo.run import run_demo, where_things_are  # the daemon and the desk: only for `demo`

    config, report = run_demo(directory, seconds)
    if as_json:
        print_json({"status": report.to_dict(), "config": str(config.path), "data_dir": str(config.data_dir)})
        return
    click.echo(render_status(report))
    click.echo("")
    click.echo("\n".join(where_things_are(config)))


COMMANDS = [run, status, demo]
