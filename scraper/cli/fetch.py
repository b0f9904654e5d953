"""`takedowns fetch URL`: one report through fetch -> WARC -> catalogue -> extract."""

from __future__ import annotations

from typing import Any

import click

from scraper.config import Config
from scraper.errors import FetchError
from scraper.extract import ExtractError
from scraper.pipeline.chain import process_url
from scraper.pipeline.outcome import CaptureOutcome

from .common import json_option, print_json, with_config


def outcome_summary(outcome: CaptureOutcome) -> dict[str, Any]:
    """The JSON shape of `fetch --json` (stable: scripts rely on these keys)."""
    c = outcome.capture
    r = outcome.report
    return {
        "url": c.url,
        "final_url": c.final_url,
        "status": c.status,
        "capture_id": c.id,
        # the report below was extracted from this capture: the browser's DOM, or the plain payload
        "rendered": c.rendered,
        "warc": c.warc_path,
        "warc_offset": c.warc_offset,
        "warc_length": c.warc_length,
        "payload_sha256": c.payload_sha256,
        "fetched_at": c.fetched_at.isoformat() + "Z",
        "content_type": c.content_type,
        "redirects": c.redirects,
        "new_capture": outcome.is_new,
        "unchanged": outcome.unchanged,
        "title": r.title if r else None,
        "pub_date": r.pub_date.isoformat() if r and r.pub_date else None,
        "date_source": r.date_source if r else None,
        "authors": r.authors if r else [],
        "org": r.org if r else None,
        "language": r.language if r else None,
        "platform": r.platform if r else None,
        "text_chars": r.text_chars if r else 0,
        "networks": [n.to_dict() for n in r.networks] if r else [],
        "totals": r.totals if r else {},
        "warnings": r.warnings if r else [],
        "extract_error": outcome.report_error,
        "archive_link": outcome.archive_link,
        "archive_status": outcome.archive_status,
        "archive_detail": outcome.archive_detail,
        "stub_id": outcome.stub.stub_id if outcome.stub else None,
        "stub_action": outcome.stub.action if outcome.stub else None,
        "stub_reason": outcome.stub.reason if outcome.stub else None,
        "stub_also": outcome.stub.also if outcome.stub else [],  # the stubs of the report's other operations
    }


@click.command()
@click.argument("url")
@with_config
@json_option
@click.option("--ignore-robots", is_flag=True, help="Fetch even if robots.txt disallows it (logged).")
@click.option(
    "--render",
    is_flag=True,
    help="Render the page in headless Chromium: record every request, a screenshot and the DOM.",
)
def fetch(url: str, config: Config, as_json: bool, ignore_robots: bool, render: bool) -> None:
    """Fetch one report URL, archive it, and print what was extracted."""
    try:
        outcome = process_url(config, url, respect_robots=not ignore_robots, render=render)
    except FetchError as exc:
        raise _for_the_user(url, exc) from None
    summary = outcome_summary(outcome)
    if as_json:
        print_json(summary)
    else:
        state = "new capture" if outcome.is_new else "unchanged, already stored"
        kind = "browser capture" if summary["rendered"] else "capture"
        click.echo(f"{summary['final_url']}  HTTP {summary['status']}  ({state}, {kind} {summary['capture_id']})")
        click.echo(f"  title:   {summary['title'] or '-'}")
        click.echo(f"  date:    {summary['pub_date'] or '-'}")
        click.echo(f"  authors: {', '.join(summary['authors']) or '-'}")
        click.echo(f"  org:     {summary['org'] or '-'}")
        click.echo(f"  text:    {summary['text_chars']} characters")
        click.echo(f"  warc:    {summary['warc']} @ {summary['warc_offset']}")
        if outcome.stub:
            also = f"; also {', '.join(outcome.stub.also)}" if outcome.stub.also else ""
            click.echo(f"  stub:    {outcome.stub.stub_id or '-'} ({outcome.stub.action}: {outcome.stub.reason}{also})")
        detail = f" ({outcome.archive_detail})" if outcome.archive_detail and not summary["archive_link"] else ""
        click.echo(f"  archive: {summary['archive_link'] or summary['archive_status']}{detail}")
    if outcome.report_error:
        raise ExtractError(f"stored, but extraction failed: {outcome.report_error}")  # exit 4, one `error:` line


def _for_the_user(url: str, exc: FetchError) -> FetchError:
    """Word a refusal around the URL the user gave, naming the option that overrides it."""
    hop = exc.url if exc.url and exc.url != url else None
    if exc.reason == "robots":
        where = f"{url} redirects to {hop}, which robots.txt disallows" if hop else f"robots.txt disallows {url}"
        message = f"{where}; add --ignore-robots to fetch it anyway (logged)"
    elif hop and url not in str(exc):
        message = f"{url}: {exc}"
    else:
        return exc
    return FetchError(message, url=url, reason=exc.reason, status=exc.status)


COMMANDS = [fetch]
