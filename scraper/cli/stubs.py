"""`takedowns stubs ...`: the curators' review queue.

The commands other than `stubs list` import the catalogue and `scraper.stubs` inside themselves: `stubs list`
reads through `archive.quickread` and must not load SQLAlchemy (tests/test_startup.py; DEFERRED in tests/layering.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from archive.clock import utcnow
from archive.quickread import StubPage, stub_page, stub_rows
from scraper.config import Config
from scraper.errors import UserError
from scraper.export.intel import write_intel
from scraper.extract.report import Report

from .common import catalogue_reader, json_option, print_json, render_table, terminal_progress, utc_iso, with_config

# `stubs list` reads through archive.quickread and imports no SQLAlchemy (it must start in
# under 0.5 s); the other subcommands import the storage library when they run.

STATUSES = ("new", "accepted", "rejected", "merged")
PAGE_SIZE = 50  # `stubs list` shows a page, as gh and Datasette do: its output must not grow with the archive


def _intel_export(fmt: str, records: list, out_dir: Path, bundle: bool, config: Config) -> list[Path]:
    return write_intel(fmt, records, out_dir, bundle, config)


class StubsGroup(click.Group):
    """Loads `stubs techniques` (and the technique model's imports) only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, "techniques"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "techniques" and cmd_name not in self.commands:
            from .techniques import STUB_COMMANDS

            for command in STUB_COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(name="stubs", cls=StubsGroup)
def stubs_group() -> None:
    """Review stub incident records: list, show, accept, reject, reopen, merge, unmerge, split, edit, export."""


@stubs_group.command(name="list")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only stubs with this status.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help=f"Show at most N stubs (default {PAGE_SIZE}).")
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    help="Skip the N newest stubs first (the next page: --offset 50).",
)
@click.option("--all", "show_all", is_flag=True, help="Every stub, however many (not with --limit).")
@with_config
@json_option
def list_cmd(status: str | None, limit: int | None, offset: int, show_all: bool, config: Config, as_json: bool) -> None:
    """List stubs, newest first, a page at a time (--limit, --offset, --all).

    A footer (on stderr with --json, which prints the same page as a JSON list) says how many more there are.
    """
    if show_all and limit is not None:
        raise UserError("--all lists every stub and --limit a page of them: give one of the two")
    with catalogue_reader(config) as reader:
        page = stub_page(reader, status=status, limit=None if show_all else (limit or PAGE_SIZE), offset=offset)
    rows = [row.to_dict() for row in page.rows]
    footer = _page_footer(page, status, limit or PAGE_SIZE)
    if as_json:
        print_json(rows)
        if footer:
            click.echo(footer, err=True)
        return
    if not rows:
        click.echo(
            "no stubs"
            + (f" with status {status}" if status else "")
            + (f" after the first {offset} ({page.total} in all)" if offset else "")
        )
        return
    table = [(r["id"], r["status"], len(r["references"]), "/".join(r["origin"]) or "-", r["name"]) for r in rows]
    for line in render_table(("id", "status", "refs", "origin", "name"), table):
        click.echo(line)
    if footer:
        click.echo(footer)


def _page_footer(page: StubPage, status: str | None, size: int) -> str:
    """'stubs 1-50 of 5000 (newest first); next page: --offset 50, every stub: --all', or '' for a whole listing."""
    if not page.rows or (page.offset == 0 and page.remaining == 0):
        return ""
    which = f"{status} stubs" if status else "stubs"
    text = f"{which} {page.offset + 1}-{page.offset + len(page.rows)} of {page.total} (newest first)"
    if page.remaining:
        text += (
            f"; next page: --offset {page.offset + len(page.rows)}"
            + (f" --limit {size}" if size != PAGE_SIZE else "")
            + ", every stub: --all"
        )
    return text


@stubs_group.command(name="show")
@click.argument("stub_id")
@with_config
@json_option
def show_cmd(stub_id: str, config: Config, as_json: bool) -> None:
    """Print a stub as its DISARM incident page (or JSON), with its history."""
    from archive.catalogue import Catalogue
    from scraper.stubs import edits, store
    from scraper.stubs.disarm_page import render_page
    from scraper.techniques import store as technique_store

    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s, catalogue.reader() as reader:
            stub = store.get_stub(s, stub_id)
            listing = store.load_listing(s, stub_id=stub.id)
            data = stub_rows(reader, stub_pk=stub.id)[0].to_dict()
            data["history"] = [
                {"at": utc_iso(c.at), "kind": c.kind, "detail": c.detail, "actor": c.actor}
                for c in store.changes(s, stub)
            ]
            data["edits"] = [
                {
                    "field": e.field,
                    "value": e.value,
                    "extracted": e.extracted,
                    "latest": e.latest,
                    "at": utc_iso(e.at),
                    "report_changed_at": utc_iso(e.report_changed_at) if e.report_changed_at else None,
                }
                for e in edits.of_stub(s, stub)
            ]
            page = render_page(store.to_page(s, stub, listing))
            data["techniques"] = [
                {"id": t.technique_id, "name": t.name, "status": t.status, "score": t.score, "sentences": t.sentences}
                for status in ("accepted", "suggested", "rejected")
                for t in technique_store.of_stub(s, stub, status)
            ]
            data["check"] = _values_to_check(s, stub.id)
    finally:
        catalogue.dispose()
    if as_json:
        data["page"] = page
        print_json(data)
        return
    click.echo(page)
    for line in counts_by_reference(data):
        click.echo(line)
    suggested = [t for t in data["techniques"] if t["status"] == "suggested"]
    if suggested:
        click.echo("\nTechnique suggestions (not accepted; `takedowns stubs techniques ID accept T...`):")
        for t in suggested:
            click.echo(f"  {t['id']} {t['name']}  score {t['score']:.3f}")
            for sentence in t["sentences"]:
                click.echo(f'      "{sentence}"')
    if data["edits"]:  # what the desk's "Curator edits" table shows
        click.echo("\nCurator edits (edited to; extraction gave then; extraction gives now):")
        for e in data["edits"]:
            changed = f"  (report changed {e['report_changed_at']})" if e["report_changed_at"] else ""
            click.echo(
                f"  {e['at']}  {e['field']}: {edits.shown(e['value'])}; {edits.shown(e['extracted'])};"
                f" {edits.shown(e['latest'])}{changed}"
            )
    if data["check"]:
        click.echo("\nCheck first (the extractor is less sure of these):")
        for c in data["check"]:
            click.echo(
                f"  [check] {c['where']} {c['field']} {c['value']}: {'; '.join(c['reasons']) or 'weaker rule'} "
                f" ({c['url']})"
            )
    click.echo("\nHistory:")
    for c in data["history"]:
        click.echo(f"  {c['at']}  {c['kind']}: {c['detail']}" + (f" (by {c['actor']})" if c["actor"] else ""))


def counts_by_reference(data: dict) -> list[str]:
    """`stubs show`'s lines on counts: what each cited report states beside the stub's, and a disagreement flag."""
    refs = [r for r in data["references"] if r.get("counts")]
    if len(refs) < 2 and not data.get("counts_disagree"):
        return []
    stub_counts = data["counts"]
    lines = ["", "Counts: " + (", ".join(f"{k}={v}" for k, v in stub_counts.items()) or "none")]
    if data.get("counts_disagree"):
        lines[-1] += "  [DISAGREE: a cited report states different figures]"
    for r in refs:
        said = ", ".join(
            f"{k}={v}" + (f" (stub: {stub_counts[k]})" if k in stub_counts and stub_counts[k] != v else "")
            for k, v in r["counts"].items()
        )
        role = "platform report" if r.get("primary") else "retelling"
        lines.append(f"  {role} {r['url']}{' (' + r['part'] + ')' if r.get('part') else ''}: {said}")
    return lines


def _values_to_check(s: Any, stub_pk: int) -> list[dict[str, Any]]:
    """Every value of the stub's extracted reports that the extractor marked "check", with its reasons."""
    from sqlalchemy import select

    from archive.tables import ReportRow, StubReference

    rows = s.execute(
        select(StubReference.url, ReportRow.data)
        .join(ReportRow, ReportRow.capture_id == StubReference.capture_id)
        .where(StubReference.stub_pk == stub_pk)
        .order_by(StubReference.id)
    ).all()
    return [
        {"url": url, "where": where, "field": field_name, "value": value, "reasons": reasons}
        for url, data in rows
        for where, field_name, value, reasons in Report.from_dict(data).to_check()
    ]


def _decide(config: Config, action: str, *args: object, as_json: bool, **options: object) -> None:
    """Run scraper.stubs.review.<action>(catalogue, *args, **options), then rewrite the Atom feed."""
    from archive.catalogue import Catalogue
    from scraper.stubs import review, rewrite_feed

    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        decision = getattr(review, action)(catalogue, *args, **options)
        rewrite_feed(config, catalogue)
    finally:
        catalogue.dispose()
    if as_json:
        print_json(decision.to_dict())
        return
    extra = f" as {decision.disarm_id}" if decision.disarm_id else ""
    extra += f" into {decision.merged_into}" if decision.merged_into else ""
    said = f"{decision.status}{extra}"
    detail = f" ({decision.detail})" if decision.detail and decision.detail != said else ""  # "accepted as I00130" once
    click.echo(f"{decision.stub_id}: {said}{detail}")


@stubs_group.command(name="accept")
@click.argument("stub_id")
@click.option("--disarm-id", default=None, help="The DISARM id the curator assigns, e.g. I00130.")
@with_config
@json_option
def accept_cmd(stub_id: str, disarm_id: str | None, config: Config, as_json: bool) -> None:
    """Accept a new stub (optionally assigning its real DISARM id, one not used by DISARM's master
    sheet or another stub)."""
    from scraper.stubs import StubSettings
    from scraper.stubs.urls import master_ids

    _decide(
        config,
        "accept",
        stub_id,
        disarm_id,
        master_ids(StubSettings.from_config(config).disarm_master),
        as_json=as_json,
    )


@stubs_group.command(name="reject")
@click.argument("stub_id")
@click.option("--reason", required=True, help="Why it is not an incident for DISARM.")
@with_config
@json_option
def reject_cmd(stub_id: str, reason: str, config: Config, as_json: bool) -> None:
    """Reject a new stub, with a reason."""
    _decide(config, "reject", stub_id, reason, as_json=as_json)


@stubs_group.command(name="reopen")
@click.argument("stub_id")
@with_config
@json_option
def reopen_cmd(stub_id: str, config: Config, as_json: bool) -> None:
    """Put an accepted or rejected stub back to new."""
    _decide(config, "reopen", stub_id, as_json=as_json)


@stubs_group.command(name="merge")
@click.argument("keep_id")
@click.argument("other_id")
@with_config
@json_option
def merge_cmd(keep_id: str, other_id: str, config: Config, as_json: bool) -> None:
    """Merge OTHER_ID's references into KEEP_ID (KEEP_ID keeps its name)."""
    _decide(config, "merge", keep_id, other_id, as_json=as_json)


@stubs_group.command(name="unmerge")
@click.argument("stub_id")
@with_config
@json_option
def unmerge_cmd(stub_id: str, config: Config, as_json: bool) -> None:
    """Undo a merge: STUB_ID gets its own references back and is new again."""
    _decide(config, "unmerge", stub_id, as_json=as_json)


@stubs_group.command(name="split")
@click.argument("stub_id")
@with_config
@json_option
def split_cmd(stub_id: str, config: Config, as_json: bool) -> None:
    """Split a stub by operation: each other origin its reports name becomes a new stub citing them.

    `stubs merge` joins two stubs again.
    """
    from scraper.stubs import StubSettings

    settings = StubSettings.from_config(config)
    _decide(config, "split", stub_id, as_json=as_json, id_prefix=settings.id_prefix, found_via=settings.found_via)


def _countries(value: str | None) -> list[str] | None:
    return None if value is None else [c.strip() for c in value.split(",") if c.strip()]


@stubs_group.command(name="edit")
@click.argument("stub_id")
@click.option("--name", default=None, help="The incident's name.")
@click.option("--summary", default=None, help="The summary text.")
@click.option("--incident-type", default=None, help="DISARM's incident type.")
@click.option("--year-started", default=None, help="A four-digit year, or '' for none.")
@click.option("--origin", default=None, help="Comma-separated countries the operation came from.")
@click.option("--targets", default=None, help="Comma-separated countries it targeted.")
@with_config
@json_option
def edit_cmd(
    stub_id: str, name, summary, incident_type, year_started, origin, targets, config: Config, as_json: bool
) -> None:
    """Set fields of a new or accepted stub; edited fields survive re-extraction."""
    values = {
        "name": name,
        "summary": summary,
        "incident_type": incident_type,
        "year_started": year_started,
        "origin": _countries(origin),
        "targets": _countries(targets),
    }
    changes = {k: v for k, v in values.items() if v is not None}
    _decide(config, "edit", stub_id, changes, as_json=as_json)


@stubs_group.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "xlsx", "stix", "misp"]), required=True)
@click.option("--bundle", is_flag=True, help="stix: one bundle for all stubs instead of one per stub.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write into.")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default=None,
    help="Only stubs with this status (default: all but rejected/merged).",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    default=None,
    help="Only stubs whose record changed at or after this UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS): edited, "
    "given a report, decided, a technique decided, or an archive link resolved. Print it before an export, "
    "pass it to the next one.",
)
@with_config
@json_option
def export_cmd(
    fmt: str, bundle: bool, out_dir: Path, status: str | None, since: datetime | None, config: Config, as_json: bool
) -> None:
    """Export stubs as DISARM incident pages (md), incidents/urls sheets (csv, xlsx), STIX 2.1 or MISP events.

    With --since, only the stubs changed since then: what to add to a copy of DISARM's
    spreadsheet synced at that time. The JSON output gives `exported_at`, the --since for the next export.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder")
    from archive.catalogue import Catalogue
    from scraper.export.records import stub_record
    from scraper.stubs import store
    from scraper.stubs.technique_rows import sheet_rows

    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s, terminal_progress("exporting", "preparing") as progress:
            exported_at = utcnow()  # before reading: a change made during the export is in the next one too
            listing = store.load_listing(
                s, (status,) if status else ("new", "accepted"), notes=True, changed_since=since
            )
            blanks = any(not st.year_started for st in listing.stubs)
            pages = []
            for st in listing.stubs:
                if progress:
                    progress(st.stub_id)
                pages.append((store.to_page(s, st, listing, years_have_blanks=blanks), listing.notes(st)))
            techniques = [
                row for st in listing.stubs for row in sheet_rows(st.disarm_id or st.stub_id, listing.techniques(st))
            ]
            records = [stub_record(s, st) for st in listing.stubs] if fmt in ("stix", "misp") else []
    finally:
        catalogue.dispose()
    try:
        if fmt in ("stix", "misp"):
            written = _intel_export(fmt, records, out_dir, bundle, config)
        else:
            from scraper.stubs.sheets import export  # openpyxl: only when exporting

            written = export(pages, fmt, out_dir, techniques)
    except OSError as exc:
        raise UserError(f"cannot write to {out_dir}: {exc.strerror}") from None
    if as_json:
        print_json(
            {
                "format": fmt,
                "stubs": len(pages),
                "files": [str(p) for p in written],
                "exported_at": exported_at.isoformat(timespec="seconds"),
            }
        )
        return
    changed = f" changed since {since.isoformat(timespec='seconds')}" if since else ""
    click.echo(
        f"exported {len(pages)} stub(s){changed} to {len(written)} file(s) in {out_dir}; next time: --since"
        f" {exported_at.isoformat(timespec='seconds')}"
    )


COMMANDS = [stubs_group]
