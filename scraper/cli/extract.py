"""`takedowns extract`, `reextract` and `eval`: run and judge the extractor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import Capture, ReportRow
from scraper.config import DEFAULT_ORGS, Config, load_config
from scraper.errors import UnreadableRecord, UserError
from scraper.evaluate import FIELDS, counts_by_kind, evaluate
from scraper.extract import extract_report
from scraper.extract.report import EXTRACTOR_VERSION, Report
from scraper.fetch.sniff import content_type_for_path
from scraper.pipeline.extraction import extract_capture, report_of_capture
from scraper.stubs import update_stubs_for_report

from . import exits
from .common import CONFIG_META_KEY, VERBOSE_META_KEY, json_option, print_json, terminal_progress, with_config


def _print_report(report: Report, as_json: bool, with_text: bool = False) -> None:
    if as_json:
        data = report.to_dict()
        if not with_text:
            data.pop("text")
        print_json(data)
        return
    click.echo(f"title:     {report.title or '-'}")
    click.echo(f"date:      {report.pub_date or '-'} ({report.date_source or 'none'})")
    click.echo(f"authors:   {', '.join(report.authors) or '-'}")
    click.echo(f"org:       {report.org or '-'}   platform: {report.platform or '-'}")
    click.echo(f"text:      {report.text_chars} characters")
    for i, n in enumerate(report.networks, 1):
        counts = ", ".join(f"{k}={v}{'~' if k in n.approximate else ''}" for k, v in n.counts.items()) or "no counts"
        click.echo(f"network {i}: origin={'/'.join(n.origin) or '-'} targets={'/'.join(n.targets) or '-'} {counts}")
        if n.followers:
            click.echo(f"  followers: {', '.join(f'{k}={v}' for k, v in n.followers.items())}")
        if n.ad_spend_usd is not None:
            click.echo(f"  ad spend:  ${n.ad_spend_usd}")
        for sentence in n.evidence:
            click.echo(f"  evidence:  {sentence}")
    if report.totals:
        click.echo(f"totals:    {', '.join(f'{k}={v}' for k, v in report.totals.items())}")
    for w in report.warnings:
        click.echo(f"warning:   {w}")
    if with_text:
        click.echo("")
        click.echo(report.text)


@click.command()
@click.argument("target")
@json_option
@click.option(
    "--url", "as_url", default=None, help="For a local file: the URL it came from (org and date rules use it)."
)
@click.option("--config", "config_path", default=None, help="Config file (needed for URLs; optional for local files).")
@click.option(
    "--text",
    "with_text",
    is_flag=True,
    help="Include the clean text (the `text` field under --json; printed last otherwise).",
)
def extract(target: str, as_json: bool, as_url: str | None, config_path: str | None, with_text: bool) -> None:
    """Extract a Report from a local file or from the latest stored capture of a URL."""
    config_path = config_path or click.get_current_context().meta.get(CONFIG_META_KEY)
    if target.startswith(("http://", "https://")):
        config = load_config(config_path)
        catalogue = Catalogue(config.catalogue_url, migrate=True)
        try:
            with catalogue.session() as s:
                capture = catalogue.require_latest_capture(s, target)
            report = report_of_capture(config, catalogue, capture)
        finally:
            catalogue.dispose()
    else:
        path = Path(target)
        if not path.is_file():
            raise UserError(f"{target}: no such file (give a local file or an http(s) URL that was fetched)")
        orgs = load_config(config_path).orgs if config_path else dict(DEFAULT_ORGS)
        report = extract_report(
            path.read_bytes(),
            url=as_url or path.resolve().as_uri(),
            content_type=content_type_for_path(path),
            orgs=orgs,
        )
    _print_report(report, as_json, with_text)


@click.command()
@click.argument("urls", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Re-extract every stored report capture.")
@with_config
@json_option
def reextract(urls: tuple[str, ...], all_: bool, config: Config, as_json: bool) -> None:
    """Re-run extraction over stored captures and report what changed."""
    if not urls and not all_:
        raise UserError("give one or more URLs, or --all")
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    changes: list[dict[str, Any]] = []
    failures = 0
    unreadable = False  # a stored record could not be read: exit 4 (EXTRACT), as any command that cannot read one
    try:
        with catalogue.session() as s:
            if all_:
                captures = list(s.scalars(select(Capture).order_by(Capture.id)))
            else:
                captures = []
                for url in urls:
                    found = catalogue.list_captures(s, url)
                    if not found:
                        raise UserError(f"no stored capture of {url}")
                    captures += found
            before = {r.capture_id: r.data for r in s.scalars(select(ReportRow))}
        with terminal_progress("re-extracting", "re-extracting") as progress:
            for capture in captures:
                if progress:
                    progress(capture.url)
                try:
                    report = extract_capture(config, catalogue, capture)
                    update_stubs_for_report(config, catalogue, capture.id)
                except UserError as exc:
                    failures += 1
                    unreadable = unreadable or isinstance(exc, UnreadableRecord)
                    click.echo(f"error: capture {capture.id} ({capture.url}): {exc}", err=True)
                    continue
                new = report.to_dict()
                old = before.get(capture.id) or {}
                changed = sorted(k for k in new if k not in ("extracted_at",) and old.get(k) != new.get(k))
                changes.append(
                    {
                        "capture_id": capture.id,
                        "url": capture.url,
                        "changed": changed,
                        "extractor_version": EXTRACTOR_VERSION,
                    }
                )
    finally:
        catalogue.dispose()
    if as_json:
        print_json(changes)
    else:
        for c in changes:
            click.echo(
                f"{c['capture_id']:>6}  {'changed: ' + ', '.join(c['changed']) if c['changed'] else 'unchanged'}  "
                f"{c['url']}"
            )
        click.echo(f"{len(changes)} re-extracted, {sum(1 for c in changes if c['changed'])} changed, {failures} failed")
    if failures:
        raise SystemExit(exits.EXTRACT if unreadable else exits.FAILED)


@click.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path))
@json_option
def eval_(gold: Path, as_json: bool) -> None:
    """Score extraction on a gold file; the last line is `counts P=.. R=.. F1=..`.

    With -v/--verbose (before or after the command), list misses and false hits per document.
    """
    verbose = bool(click.get_current_context().meta.get(VERBOSE_META_KEY))
    scores, docs, errors = evaluate(gold, dict(DEFAULT_ORGS))
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if as_json:
        print_json(
            {
                "documents": len(docs),
                "errors": errors,
                "scores": {f: s.to_dict() for f, s in scores.items()},
                "counts_by_kind": {k: s.to_dict() for k, s in counts_by_kind(docs).items()},
                "details": [d.__dict__ for d in docs if d.misses or d.false_hits or d.error],
            }
        )
    else:
        if verbose:
            for d in docs:
                for f in FIELDS:
                    if f in d.misses:
                        click.echo(f"{d.id}: missed {f}: {d.misses[f]}")
                    if f in d.false_hits:
                        click.echo(f"{d.id}: false {f}: {d.false_hits[f]}")
        by_kind = counts_by_kind(docs)
        if by_kind:
            click.echo(
                "counts by kind: " + ", ".join(f"{k} P={s.precision:.3f} R={s.recall:.3f}" for k, s in by_kind.items())
            )
        click.echo(f"documents: {len(docs)}, errors: {len(errors)}")
        for f in FIELDS:
            click.echo(scores[f].line(f))
    if errors:
        raise SystemExit(exits.FAILED)


COMMANDS = [extract, reextract, eval_]
