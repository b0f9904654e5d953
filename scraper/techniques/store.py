"""Technique suggestions and curator decisions for stubs, in the catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.clock import utcnow
from archive.tables import Stub, StubChange, StubTechnique
from scraper.stubs.actor import current_actor

from .framework import Technique
from .suggestion import Suggestion


def of_stub(s: Session, stub: Stub, status: str | None = None) -> list[StubTechnique]:
    q = select(StubTechnique).where(StubTechnique.stub_pk == stub.id)
    if status:
        q = q.where(StubTechnique.status == status)
    rows = list(s.scalars(q))
    return (
        sorted(rows, key=lambda r: (-(r.score or 0.0), r.technique_id))
        if status == "suggested"
        else sorted(rows, key=lambda r: r.technique_id)
    )


def save_suggestions(s: Session, stub: Stub, suggestions: list[Suggestion]) -> None:
    """Replace the stub's open suggestions; a curator's accept/reject is never overwritten."""
    existing = {r.technique_id: r for r in of_stub(s, stub)}
    fresh = {sg.technique_id for sg in suggestions}
    for tid, old in existing.items():
        if old.status == "suggested" and tid not in fresh:
            s.delete(old)
    now = utcnow()
    for sg in suggestions:
        row = existing.get(sg.technique_id)
        if row is None:
            s.add(
                StubTechnique(
                    stub_pk=stub.id,
                    technique_id=sg.technique_id,
                    name=sg.name,
                    score=sg.score,
                    sentences=sg.sentences,
                    status="suggested",
                    created_at=now,
                )
            )
        elif row.status == "suggested":
            row.score, row.sentences, row.name = sg.score, sg.sentences, sg.name
        elif not row.sentences:
            row.sentences = sg.sentences
    s.add(
        StubChange(
            stub_pk=stub.id,
            at=now,
            kind="techniques",
            actor=current_actor(),
            detail="suggested " + ", ".join(sorted(fresh)) if fresh else "no technique suggestions",
        )
    )


def decide(
    s: Session, stub: Stub, technique_ids: list[str], status: str, framework: dict[str, Technique]
) -> list[StubTechnique]:
    """Mark techniques accepted or rejected (a technique never suggested can be accepted too)."""
    existing = {r.technique_id: r for r in of_stub(s, stub)}
    now = utcnow()
    out = []
    for tid in technique_ids:
        row = existing.get(tid)
        if row is None:
            row = StubTechnique(
                stub_pk=stub.id, technique_id=tid, name=framework[tid].name, score=None, sentences=[], created_at=now
            )
            s.add(row)
        row.status, row.decided_at = status, now
        out.append(row)
    s.add(
        StubChange(
            stub_pk=stub.id,
            at=now,
            kind="techniques",
            actor=current_actor(),
            detail=f"{status} {', '.join(technique_ids)}",
        )
    )
    return out
