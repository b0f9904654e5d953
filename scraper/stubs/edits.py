"""What extraction said about the fields a curator edited, so a stub can show when the report changed since.

`record` runs when a curator edits (the extraction value at that moment is the baseline);
`note_extraction` runs on every refresh from the reports, before edited fields are skipped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.clock import utcnow
from archive.tables import Stub, StubEdit


def shown(value: Any, limit: int = 120) -> str:
    """A field's value as a curator reads it in history lines: lists joined, counts as k=v, long text cut."""
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    if not text:
        return "(empty)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(field: str, value: Any, before: Any) -> str:
    """'origin = China (was china)': what the desk's edits table shows, on one line."""
    return f"{field} = {shown(value)} (was {shown(before)})"


def record(s: Session, stub: Stub, values: dict[str, Any]) -> None:
    rows = {e.field: e for e in s.scalars(select(StubEdit).where(StubEdit.stub_pk == stub.id))}
    for name, value in values.items():
        row = rows.get(name)
        if row is None:  # first edit: what the stub held came from extraction
            s.add(
                StubEdit(
                    stub_pk=stub.id,
                    field=name,
                    value=value,
                    extracted=getattr(stub, name),
                    latest=getattr(stub, name),
                    at=utcnow(),
                )
            )
        else:  # a new edit starts from what extraction says now
            row.value, row.extracted, row.at, row.report_changed_at = value, row.latest, utcnow(), None


def of_stub(s: Session, stub: Stub) -> list[StubEdit]:
    """The stub's curator edits, one per field, in the order first made (the desk's edits table)."""
    return list(s.scalars(select(StubEdit).where(StubEdit.stub_pk == stub.id).order_by(StubEdit.id)))


def note_extraction(s: Session, stub: Stub, extracted: dict[str, Any]) -> None:
    for row in s.scalars(select(StubEdit).where(StubEdit.stub_pk == stub.id)):
        if row.field in extracted and extracted[row.field] != row.latest:
            row.latest = extracted[row.field]
            if row.latest != row.extracted and row.report_changed_at is None:
                row.report_changed_at = utcnow()
