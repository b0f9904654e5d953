"""`takedowns archive verify|export|reindex|pending`: check snapshots, hand them out, rebuild the
catalogue from them, resolve links."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.errors import ArchiveError
from archive.reindex import reindex
from archive.tables import Capture, ReportRow
from archive.verify import verify
from archive.wacz import export_wacz
from archive.warc import WarcStore
from archive.wayback import WaybackClient
from scraper.config import Config, wayback_settings
from scraper.errors import UserError
from scraper.pipeline.extraction import extract_capture
from scraper.stubs import rewrite_feed, update_stubs_for_report

from . import exits
from .common import json_option, print_json, terminal_progress, with_config


@click.group(name="archive")
def archive_group() -> None:
    """Local snapshots (WARC/WACZ) and public archive links."""


@archive_group.command(name="verify")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-check every stored file, not only those changed since the last verify.",
)
@click.option("--packages", is_flag=True, help="Also build each re-checked capture's WACZ and validate it (slower).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes checking files at once (default: the cores, at most 4).",
)
@with_config
@json_option
def verify_cmd(
    paths: tuple[Path, ...], everything: bool, packages: bool, jobs: int | None, config: Config, as_json: bool
) -> None:
    """Check WARC digests, catalogue pointers and what each capture's WACZ would resolve;
    non-zero exit names each broken file.

    Without PATHS it checks only the WARC files that changed since the last verify (size or
    mtime) or that failed then; --all checks everything, in parallel. PATHS may also
    name WACZ files (an export), checked as `wacz validate` does plus pages.jsonl.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with terminal_progress("verifying", "checking") as progress:
            result = verify(
                list(paths),
                config.data_dir,
                catalogue,
                everything=everything,
                packages=packages,
                jobs=jobs,
                progress=progress,
            )
    finally:
        catalogue.dispose()
    if as_json:
        print_json(
            {
                "checked": result.checked,
                "unchanged": result.skipped,
                "problems": [p.__dict__ for p in result.problems],
                "notes": result.notes,
            }
        )
    else:
        for p in result.problems:
            click.echo(f"BROKEN {p.path}: {p.message}", err=True)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        unchanged = f" ({result.skipped} unchanged since the last verify)" if result.skipped else ""
        click.echo(
            f"checked {len(result.checked)} file(s){unchanged}:"
            f" {'all good' if result.ok else f'{len(result.problems)} problem(s)'}"
        )
    if not result.ok:
        raise SystemExit(exits.FAILED)


@archive_group.command(name="export")
@click.argument("url", required=False)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Where to write the .wacz file.")
@click.option(
    "--capture",
    "capture_id",
    type=click.IntRange(min=1),
    default=None,
    help="Export this capture (an id from `takedowns captures`) instead of the newest capture of URL.",
)
@click.option(
    "--rendered/--plain",
    "rendered",
    default=None,
    help="Only the newest browser (--rendered) or plain HTTP (--plain) capture of URL (default: the newest of either).",
)
@with_config
@json_option
def export_cmd(
    url: str | None, output: Path, capture_id: int | None, rendered: bool | None, config: Config, as_json: bool
) -> None:
    """Write the WACZ snapshot of URL's newest capture (or of `--capture ID`), built from its WARC records."""
    if output.suffix != ".wacz":
        raise UserError(f"{output}: the output file must end in .wacz")
    if (url is None) == (capture_id is None):
        raise UserError("give a URL or --capture ID (one of the two)")
    if capture_id is not None and rendered is not None:
        raise UserError("--rendered/--plain choose among a URL's captures: give a URL with them, or --capture ID alone")
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            capture = _chosen_capture(catalogue, s, url, capture_id, rendered)
            row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture.id))
            report = row.data if row is not None else None
        export_wacz(config.data_dir, capture, report, output)
    finally:
        catalogue.dispose()
    kind = "rendered" if capture.rendered else "plain"
    if as_json:
        print_json(
            {
                "output": str(output),
                "capture_id": capture.id,
                "url": capture.url,
                "warc_date": capture.warc_date,
                "rendered": capture.rendered,
            }
        )
    else:
        click.echo(f"wrote {output} (capture {capture.id} of {capture.url}, {kind}, {capture.warc_date})")


def _chosen_capture(
    catalogue: Catalogue, s: Session, url: str | None, capture_id: int | None, rendered: bool | None
) -> Capture:
    if capture_id is not None:
        capture = s.get(Capture, capture_id)
        if capture is None:
            raise UserError(f"no capture {capture_id}: `takedowns captures URL` lists a URL's captures with their ids")
        return capture
    assert url is not None
    if rendered is None:
        return catalogue.require_latest_capture(s, url)
    found = catalogue.latest_capture(s, url, rendered=rendered)
    if found is None:
        kind, other = ("rendered", "--plain") if rendered else ("plain", "--rendered")
        raise ArchiveError(
            f"no {kind} capture of {url}: fetch it{' with --render' if rendered else ''} first, or export with {other}"
        )
    return found


@archive_group.command(name="reindex")
@click.option(
    "--no-extract",
    is_flag=True,
    help="Only rebuild file and capture rows; do not re-extract the reports of the captures added.",
)
@with_config
@json_option
def reindex_cmd(no_extract: bool, config: Config, as_json: bool) -> None:
    """Rebuild lost catalogue rows from the WARC files (and those in quarantine): files, captures,
    then their reports and stubs.

    Every capture a WARC holds that no row describes gets its row back (same URLs, digests,
    WARC file, offset, length and dates); each capture added is then re-extracted, which
    restores its report and its stub. Running it again changes nothing.
    """

    catalogue = Catalogue(config.catalogue_url, migrate=True)
    failed: list[str] = []
    extracted = 0
    try:
        result = reindex(config.data_dir, catalogue, config.warc_max_file_bytes)
        if not no_extract and result.captures_added:
            with catalogue.read_session() as s:
                have = set(
                    s.scalars(select(ReportRow.capture_id).where(ReportRow.capture_id.in_(result.captures_added)))
                )
                todo = [
                    c
                    for c in s.scalars(
                        select(Capture).where(Capture.id.in_(result.captures_added)).order_by(Capture.id)
                    )
                    if c.id not in have
                ]
            with terminal_progress("re-extracting", "re-extracting") as progress:
                for capture in todo:
                    if progress:
                        progress(capture.url)
                    try:
                        extract_capture(config, catalogue, capture)
                        update_stubs_for_report(config, catalogue, capture.id)
                        extracted += 1
                    except UserError as exc:
                        failed.append(f"capture {capture.id} ({capture.url}): {exc}")
    finally:
        catalogue.dispose()
    if as_json:
        print_json({**result.__dict__, "reports_extracted": extracted, "extract_failures": failed})
    else:
        for line in result.brought_back:
            click.echo(f"brought back from quarantine: {line}")
        for line in result.left_in_quarantine:
            click.echo(f"left in quarantine: {line}")
        for line in result.problems + failed:
            click.echo(f"error: {line}", err=True)
        click.echo(
            f"read {result.files} WARC file(s): {len(result.captures_added)} capture(s) added, {result.already} already"
            " catalogued,"
            f" {result.copies} second copies skipped; {len(result.files_added)} file(s) added,"
            f" {len(result.files_extended)} extended;"
            f" {extracted} report(s) re-extracted"
        )
    if result.problems or failed:
        raise SystemExit(exits.FAILED)


@archive_group.command(name="upload")
@with_config
@json_option
def upload_cmd(config: Config, as_json: bool) -> None:
    """Upload this data folder's WARC files that are not in object storage yet
    ([storage] kind = "s3"), the current one too.

    Each file is uploaded whole and checked (size and SHA-256) before the catalogue points
    at the object; the local copy is kept. Run it when a worker stops for good, so its last,
    not yet full file is readable from every host. Running it again uploads nothing.
    """
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        done = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes).upload_pending()
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"uploaded": done})
        return
    for line in done:
        click.echo(f"uploaded {line}")
    click.echo(f"{len(done)} file(s) uploaded")


@archive_group.command(name="pending")
@with_config
@json_option
def pending_cmd(config: Config, as_json: bool) -> None:
    """Poll every pending Wayback job once and print what resolved."""
    settings = wayback_settings(config)
    if not settings.enabled:
        raise UserError("the Wayback Machine is disabled: set [archive.wayback] enabled = true")
    catalogue = Catalogue(config.catalogue_url, migrate=True)

    async def run():
        async with WaybackClient(settings, catalogue, config.http.user_agent) as wayback:
            return await wayback.poll_pending()

    try:
        results = asyncio.run(run())
        if any(s.status == "success" for _, s in results):  # a stub's entry gains its public-archive link
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
