"""`takedowns archive verify|export|pending`: check snapshots, hand them out, resolve links."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import ReportRow
from archive.verify import verify
from scraper.config import Config, wayback_settings
from scraper.errors import UserError

from . import exits
from .common import json_option, print_json, terminal_progress, with_config


@click.group(name="archive")
def archive_group() -> None:
    """Local snapshots (WARC/WACZ) and public archive links."""


@archive_group.command(name="verify")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "everything", is_flag=True, help="Re-check every stored file, not only those changed since the last verify.")
@click.option("--packages", is_flag=True, help="Also build each re-checked capture's WACZ and validate it (slower).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Processes checking files at once (default: the cores, at most 4).")
@with_config
@json_option
def verify_cmd(paths: tuple[Path, ...], everything: bool, packages: bool, jobs: int | None, config: Config, as_json: bool) -> None:
    """Check WARC digests, catalogue pointers and what each capture's WACZ would resolve; non-zero exit names each broken file.

    Without PATHS it checks only the WARC files that changed since the last verify (size or
    mtime) or that failed then; --all checks everything, in parallel. PATHS may also
    name WACZ files (an export), checked as `wacz validate` does plus pages.jsonl.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")
    catalogue = Catalogue(config.catalogue_url)
    try:
        with terminal_progress("verifying", "checking") as progress:
            result = verify(list(paths), config.data_dir, catalogue, everything=everything, packages=packages, jobs=jobs, progress=progress)
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"checked": result.checked, "unchanged": result.skipped, "problems": [p.__dict__ for p in result.problems]})
    else:
        for p in result.problems:
            click.echo(f"BROKEN {p.path}: {p.message}", err=True)
        unchanged = f" ({result.skipped} unchanged since the last verify)" if result.skipped else ""
        click.echo(f"checked {len(result.checked)} file(s){unchanged}: {'all good' if result.ok else f'{len(result.problems)} problem(s)'}")
    if not result.ok:
        raise SystemExit(exits.FAILED)


@archive_group.command(name="export")
@click.argument("url")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Where to write the .wacz file.")
@with_config
@json_option
def export_cmd(url: str, output: Path, config: Config, as_json: bool) -> None:
    """Write the WACZ snapshot of the latest capture of URL (built from its WARC records)."""
    from archive.wacz import export_wacz  # imported here: `archive verify`, the common call, never needs it

    if output.suffix != ".wacz":
        raise UserError(f"{output}: the output file must end in .wacz")
    catalogue = Catalogue(config.catalogue_url)
    try:
        with catalogue.session() as s:
            capture = catalogue.require_latest_capture(s, url)
            row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture.id))
            report = row.data if row is not None else None
        export_wacz(config.data_dir, capture, report, output)
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"output": str(output), "capture_id": capture.id, "url": capture.url, "warc_date": capture.warc_date})
    else:
        click.echo(f"wrote {output} (capture {capture.id} of {capture.url}, {capture.warc_date})")


@archive_group.command(name="pending")
@with_config
@json_option
def pending_cmd(config: Config, as_json: bool) -> None:
    """Poll every pending Wayback job once and print what resolved."""
    from archive.wayback import WaybackClient  # imported here: it brings httpx, which `archive verify` never needs

    settings = wayback_settings(config)
    if not settings.enabled:
        raise UserError("the Wayback Machine is disabled: set [archive.wayback] enabled = true")
    catalogue = Catalogue(config.catalogue_url)

    async def run():
        async with WaybackClient(settings, catalogue, config.http.user_agent) as wayback:
            return await wayback.poll_pending()

    try:
        results = asyncio.run(run())
        if any(s.status == "success" for _, s in results):  # a stub's entry gains its public-archive link
            from scraper.stubs import rewrite_feed

            rewrite_feed(config, catalogue)
    finally:
        catalogue.dispose()
    if as_json:
        print_json([{"url": url, "status": s.status, "archive_link": s.link, "detail": s.detail} for url, s in results])
        return
    for url, s in results:
        click.echo(f"{s.status:8} {s.link or s.detail}  {url}")
    resolved = sum(1 for _, s in results if s.status == "success")
    click.echo(f"{len(results)} pending job(s) checked, {resolved} resolved")


COMMANDS = [archive_group]
