"""`takedowns stubs ...`: the curators' review queue."""

from __future__ import annotations

from pathlib import Path

import click

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.errors import UserError
from scraper.stubs import StubSettings, write_feed
from scraper.stubs import store
from scraper.stubs.disarm_page import render_page

from .common import json_option, print_json, with_config

STATUSES = ("new", "accepted", "rejected", "merged")


def _stub_dict(stub, listing: store.Listing) -> dict:
    return {
        "id": stub.stub_id,
        "disarm_id": stub.disarm_id,
        "status": stub.status,
        "name": stub.name,
        "platform": stub.platform,
        "origin": stub.origin,
        "targets": stub.targets,
        "counts": stub.counts,
        "year_started": stub.year_started,
        "date_added": stub.date_added,
        "found_via": stub.found_via,
        "reject_reason": stub.reject_reason,
        "merged_into": stub.merged_into,
        "references": [
            {"url": r.url, "pub_date": r.pub_date, "authors": r.authors, "org": r.org, "archive": listing.link(r.url), "merge_reason": r.merge_reason}
            for r in listing.references(stub)
        ],
    }


@click.group(name="stubs")
def stubs_group() -> None:
    """Review stub incident records: list, show, accept, reject, merge, export."""


@stubs_group.command(name="list")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only stubs with this status.")
@with_config
@json_option
def list_cmd(status: str | None, config: Config, as_json: bool) -> None:
    """List stubs, oldest first."""
    catalogue = Catalogue(config.catalogue_url)
    try:
        with catalogue.session() as s:
            listing = store.load_listing(s, (status,) if status else None)
            rows = [_stub_dict(st, listing) for st in listing.stubs]
    finally:
        catalogue.dispose()
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no stubs" + (f" with status {status}" if status else ""))
    for r in rows:
        click.echo(f"{r['id']:10} {r['status']:9} {len(r['references'])} ref(s)  {'/'.join(r['origin']) or '-':15} {r['name']}")


@stubs_group.command(name="show")
@click.argument("stub_id")
@with_config
@json_option
def show_cmd(stub_id: str, config: Config, as_json: bool) -> None:
    """Print a stub as its DISARM incident page (or JSON), with its history."""
    catalogue = Catalogue(config.catalogue_url)
    try:
        with catalogue.session() as s:
            stub = store.get_stub(s, stub_id)
            listing = store.load_listing(s, stub_id=stub.id)
            data = _stub_dict(stub, listing)
            data["history"] = [{"at": c.at.isoformat(), "kind": c.kind, "detail": c.detail} for c in store.changes(s, stub)]
            page = render_page(store.to_page(s, stub, listing))
    finally:
        catalogue.dispose()
    if as_json:
        data["page"] = page
        print_json(data)
        return
    click.echo(page)
    click.echo("\nHistory:")
    for c in data["history"]:
        click.echo(f"  {c['at']}  {c['kind']}: {c['detail']}")


def _decide(config: Config, action) -> None:
    catalogue = Catalogue(config.catalogue_url)
    try:
        stub = action(catalogue)
        write_feed(catalogue, StubSettings.from_config(config).feed_path)
    finally:
        catalogue.dispose()
    click.echo(f"{stub.stub_id}: {stub.status}{' as ' + stub.disarm_id if stub.disarm_id else ''}")


@stubs_group.command(name="accept")
@click.argument("stub_id")
@click.option("--disarm-id", default=None, help="The DISARM id the curator assigns, e.g. I00130.")
@with_config
def accept_cmd(stub_id: str, disarm_id: str | None, config: Config) -> None:
    """Accept a stub (optionally assigning its real DISARM id)."""
    settings = StubSettings.from_config(config)
    _decide(config, lambda c: store.accept(c, stub_id, disarm_id, settings))


@stubs_group.command(name="reject")
@click.argument("stub_id")
@click.option("--reason", required=True, help="Why it is not an incident for DISARM.")
@with_config
def reject_cmd(stub_id: str, reason: str, config: Config) -> None:
    """Reject a stub, with a reason."""
    _decide(config, lambda c: store.reject(c, stub_id, reason))


@stubs_group.command(name="merge")
@click.argument("keep_id")
@click.argument("other_id")
@with_config
def merge_cmd(keep_id: str, other_id: str, config: Config) -> None:
    """Merge OTHER_ID's references into KEEP_ID."""
    _decide(config, lambda c: store.merge(c, keep_id, other_id))


@stubs_group.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "xlsx"]), required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write into.")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only stubs with this status (default: all but rejected/merged).")
@with_config
def export_cmd(fmt: str, out_dir: Path, status: str | None, config: Config) -> None:
    """Export stubs as DISARM incident pages (md), or incidents/urls sheets (csv, xlsx)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder")
    catalogue = Catalogue(config.catalogue_url)
    try:
        with catalogue.session() as s:
            listing = store.load_listing(s, (status,) if status else ("new", "accepted"))
            pages = [(store.to_page(s, st, listing), st.notes) for st in listing.stubs]
    finally:
        catalogue.dispose()
    try:
        from scraper.stubs.sheets import export  # openpyxl: only when exporting

        written = export(pages, fmt, out_dir)
    except OSError as exc:
        raise UserError(f"cannot write to {out_dir}: {exc.strerror}") from None
    click.echo(f"exported {len(pages)} stub(s) to {len(written)} file(s) in {out_dir}")


COMMANDS = [stubs_group]
