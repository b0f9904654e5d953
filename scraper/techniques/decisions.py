"""A curator's accept/reject of techniques for a stub: one function for the CLI and the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.tables import ReportRow, Stub
from scraper.errors import UserError
from scraper.extract.sentences import without_title
from scraper.stubs import store as stub_store

from . import store
from .framework import load_framework, require_known
from .settings import TechniqueSettings
from .suggestion import Suggestion

if TYPE_CHECKING:
    from .model import TechniqueModel


def texts_of_stub(s: Session, stub: Stub) -> list[str]:
    """The clean texts of the stub's stored reports, without their title lines (a title is not evidence)."""
    texts = []
    for ref in stub_store.references(s, stub):
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == ref.capture_id)) if ref.capture_id else None
        if row is not None and row.data.get("text"):
            texts.append(without_title(row.data["text"], row.data.get("title")))
    return texts


def load_model(settings: TechniqueSettings) -> TechniqueModel:
    """The cached model; scikit-learn is an optional extra, imported on use."""
    try:
        from . import cache
    except ImportError as exc:
        raise UserError(
            f"technique suggestions need scikit-learn ({exc.name} missing): pip install 'takedown-archiver[disarm]'"
        ) from None
    return cache.load_model(settings)


def decide_for_stub(
    settings: TechniqueSettings, catalogue: Catalogue, stub_id: str, action: str, technique_ids: list[str]
) -> tuple[list[str], list[str]]:
    """Accept or reject techniques; (the ids decided, the stub's accepted ids now).

    Ids are checked against the framework; an accepted technique that was never suggested gets
    the report sentences the model finds for it, so its table row still quotes the report.
    """
    if action not in ("accept", "reject"):
        raise UserError(f"unknown technique action {action!r}: use accept or reject")
    framework = load_framework(settings.framework)
    ids = require_known(framework, technique_ids)
    if not ids:
        raise UserError("no technique id given: name at least one, like T0097.208")
    with catalogue.session() as s:
        stub = stub_store.get_stub(s, stub_id)
        rows = store.decide(s, stub, ids, "accepted" if action == "accept" else "rejected", framework)
        unquoted = [r for r in rows if r.status == "accepted" and not r.sentences]
        text = "\n\n".join(texts_of_stub(s, stub)) if unquoted else ""
        if text.strip():
            model = load_model(settings)
            for row in unquoted:
                row.sentences = model.support(text, row.technique_id)
        accepted = [r.technique_id for r in store.of_stub(s, stub, "accepted")]
    return ids, accepted


def suggest_for_stub(
    settings: TechniqueSettings, catalogue: Catalogue, stub_id: str, top: int | None = None
) -> list[Suggestion]:
    """Suggest techniques from the stub's report texts and store them as open suggestions."""
    model = load_model(settings)
    with catalogue.session() as s:
        stub = stub_store.get_stub(s, stub_id)
        text = "\n\n".join(t for t in texts_of_stub(s, stub) if t.strip())
        if not text:
            raise UserError(f"{stub_id} has no extracted report text to read: fetch or reextract its reports first")
        suggestions = model.suggest(text, top=top or settings.top)
        store.save_suggestions(s, stub, suggestions)
    return suggestions
