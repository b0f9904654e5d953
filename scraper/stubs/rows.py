"""Finding a stub and logging a change to it: the record helpers under both `store` and `review`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.clock import utcnow
from archive.tables import Stub, StubChange
from scraper.errors import UserError

from .actor import current_actor


def get_stub(s: Session, stub_id: str) -> Stub:
    """A stub by its provisional id (TA-00001) or its DISARM id (I00130), in any letter case."""
    key = stub_id.strip().upper()
    stub = s.scalar(select(Stub).where((func.upper(Stub.stub_id) == key) | (func.upper(Stub.disarm_id) == key)))
    if stub is None:
        raise UserError(f"no stub {stub_id}: see `takedowns stubs list`")
    return stub


def log_change(s: Session, stub: Stub, kind: str, detail: str) -> None:
    s.add(StubChange(stub_pk=stub.id, at=utcnow(), kind=kind, detail=detail, actor=current_actor()))
