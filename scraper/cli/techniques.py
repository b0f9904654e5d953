"""`takedowns techniques ...` and `takedowns stubs techniques ...`: DISARM technique suggestions."""

from __future__ import annotations

import click
from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import ReportRow, Stub, StubReference
from scraper.config import Config
from scraper.errors import UserError
from scraper.extract.report import Report
from scraper.stubs import store as stub_store
from scraper.techniques import store
from scraper.techniques.decisions import decide_for_stub, texts_of_stub
from scraper.techniques.framework import load_framework
from scraper.techniques.mappings import load_mappings
from scraper.techniques.settings import TechniqueSettings

from .common import json_option, print_json, with_config


def _sklearn():
    """The model modules; scikit-learn is an optional extra, imported on use."""
    try:
        from scraper.techniques import cache, evaluate
    except ImportError as exc:
        raise UserError(
            f"technique suggestions need scikit-learn ({exc.name} missing): pip install 'takedown-archiver[disarm]'"
        ) from None
    return cache, evaluate


def _target(s, catalogue: Catalogue, id_or_url: str) -> tuple[Stub | None, list[str]]:
    """(the stub if any, report clean texts) for a stub id or a stored report URL."""
    if "://" not in id_or_url:
        stub = stub_store.get_stub(s, id_or_url)
        return stub, texts_of_stub(s, stub)
    capture = catalogue.require_latest_capture(s, id_or_url)
    row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture.id))
    if row is None:
        raise UserError(f"no extracted report for {id_or_url}: run `takedowns reextract {id_or_url}`")
    report = Report.from_dict(row.data)
    ref = s.scalar(
        select(StubReference)
        .where(StubReference.normalised_url.in_(stub_store.reference_keys(report)))
        .order_by(StubReference.id)
        .limit(1)
    )
    linked = s.get(Stub, ref.stub_pk) if ref is not None else None
    return linked, ([*texts_of_stub(s, linked)] if linked is not None else [report.text])


@click.group(name="techniques")
def techniques_group() -> None:
    """DISARM technique suggestions for stubs, and their evaluation."""


@techniques_group.command(name="suggest")
@click.argument("id_or_url")
@click.option(
    "--top", type=click.IntRange(1, 50), default=None, help="How many techniques (default: [techniques] top, 5)."
)
@with_config
@json_option
def suggest_cmd(id_or_url: str, top: int | None, config: Config, as_json: bool) -> None:
    """Suggest DISARM techniques for a stub (ID) or a stored report (URL), with supporting sentences."""
    settings = TechniqueSettings.from_config(config)
    model = _sklearn()[0].load_model(settings)
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            stub, texts = _target(s, catalogue, id_or_url)
            text = "\n\n".join(t for t in texts if t.strip())
            if not text:
                raise UserError(
                    f"{id_or_url} has no extracted report text to read: fetch or reextract its reports first"
                )
            suggestions = model.suggest(text, top=top or settings.top)
            if stub is not None:
                store.save_suggestions(s, stub, suggestions)
            stub_id = stub.stub_id if stub is not None else None
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"stub": stub_id, "suggestions": [sg.to_dict() for sg in suggestions]})
        return
    if not suggestions:
        click.echo("no technique has a supporting sentence in this report")
    for sg in suggestions:
        click.echo(f"{sg.technique_id} {sg.name} ({sg.tactic})  score {sg.score:.3f}")
        for sentence in sg.sentences:
            click.echo(f'    "{sentence}"')
    if stub_id:
        click.echo(
            f"stored as suggestions on {stub_id}: accept with `takedowns stubs techniques {stub_id} accept ID...`"
        )


@techniques_group.command(name="eval")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N incidents (a reduced fold).")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="Suggestions per incident.")
@with_config
@json_option
def eval_cmd(limit: int | None, k: int, config: Config, as_json: bool) -> None:
    """Leave-one-incident-out over DISARM's mapped incidents; last line `techniques R@5=.. P@5=.. baseline_R@5=..`."""
    settings = TechniqueSettings.from_config(config)
    framework = load_framework(settings.framework)
    incidents = load_mappings(settings.mappings, framework)
    if len(incidents) < 2:
        raise UserError(
            f"{settings.mappings.name} has {len(incidents)} usable mapped incident(s); leave-one-out needs at least 2"
        )
    result = _sklearn()[1].evaluate(framework, incidents, k=k, limit=limit)
    line = (
        f"techniques R@{k}={result.recall:.3f} P@{k}={result.precision:.3f} baseline_R@{k}={result.baseline_recall:.3f}"
    )
    if as_json:
        print_json({**result.to_dict(), "summary": line})
        return
    techniques = {t for inc in incidents for t in inc.techniques}
    click.echo(
        f"{len(incidents)} mapped incidents, {len(techniques)} distinct techniques,"
        f" {sum(len(i.techniques) for i in incidents) / len(incidents):.2f} per incident; evaluated {result.incidents}"
    )
    click.echo(
        f"suggestions with a supporting sentence: {result.supported_fraction:.3f}; baseline"
        f" P@{k}={result.baseline_precision:.3f}"
    )
    click.echo(line)


@click.command(name="techniques")
@click.argument("stub_id")
@click.argument("action", type=click.Choice(["accept", "reject"]))
@click.argument("technique_ids", nargs=-1, required=True)
@with_config
@json_option
def stub_techniques_cmd(
    stub_id: str, action: str, technique_ids: tuple[str, ...], config: Config, as_json: bool
) -> None:
    """Accept or reject techniques for a stub: `stubs techniques TA-00001 accept T0097.208 T0151.001`."""
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        ids, accepted = decide_for_stub(
            TechniqueSettings.from_config(config), catalogue, stub_id, action, list(technique_ids)
        )
    finally:
        catalogue.dispose()
    if as_json:
        print_json({"id": stub_id, "action": action, "techniques": ids, "accepted": accepted})
        return
    click.echo(f"{stub_id}: {action}ed {', '.join(ids)}; accepted now: {', '.join(accepted) or 'none'}")


COMMANDS = [techniques_group]
STUB_COMMANDS = [stub_techniques_cmd]
