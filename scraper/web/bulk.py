"""Decisions over many stubs at once, and undoing a decision (one stub's or a bulk one's).

Each stub goes through the review state machine on its own (scraper/stubs/review.py), so a
stub another curator decided meanwhile is refused and reported, never overwritten. The stubs
a decision changed are kept as one `desk_batches` row; undo moves each of them back to new
if nobody has decided it since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import CursorResult, func, select, update

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import DeskBatch, Stub, StubChange
from scraper.config import Config
from scraper.errors import UserError
from scraper.stubs import StubSettings, review, rewrite_feed
from scraper.stubs.actor import acting_as
from scraper.stubs.review import Decision
from scraper.stubs.urls import master_ids

MAX_STUBS = 500
ACTIONS = ("accept", "reject", "merge")
DECISION_KINDS = ("accepted", "rejected", "merged", "reopened", "unmerged")
RESULT = {"accept": "accepted", "reject": "rejected", "merge": "merged"}


@dataclass
class Outcome:
    action: str
    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line per stub that could not be changed
    batch: int | None = None

    def summary(self) -> str:
        verb = {"accept": "accepted", "reject": "rejected", "merge": "merged", "undo": "undone"}[self.action]
        line = f"{len(self.done)} stub{'' if len(self.done) == 1 else 's'} {verb}"
        if self.refused:
            line += (
                f"; {len(self.refused)} refused: "
                + "; ".join(self.refused[:5])
                + (" …" if len(self.refused) > 5 else "")
            )
        return line


def record(catalogue: Catalogue, action: str, stub_ids: list[str], actor: str | None) -> int | None:
    """Keep a decision's changed stubs so that it can be undone; None when nothing changed."""
    if not stub_ids:
        return None
    with catalogue.session() as s:
        batch = DeskBatch(actor=actor, action=action, stub_ids=stub_ids, at=utcnow())
        s.add(batch)
        s.flush()
        return batch.id


def parse_ids(values: list[str]) -> list[str]:
    """The selected stub ids, in order, each once."""
    ids = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not ids:
        raise UserError("no stub selected: tick the stubs to decide first")
    if len(ids) > MAX_STUBS:
        raise UserError(f"{len(ids)} stubs selected: decide at most {MAX_STUBS} at once")
    return ids


def decide(
    config: Config,
    catalogue: Catalogue,
    action: str,
    ids: list[str],
    actor: str | None,
    *,
    reason: str = "",
    into: str = "",
) -> Outcome:
    """Accept, reject or merge (into `into`, else the first selected) every selected stub."""
    if action not in ACTIONS:
        raise UserError(f"unknown bulk action {action!r}: choose accept, reject or merge")
    if action == "reject" and not reason.strip():
        raise UserError("give a reason to reject the selected stubs")
    known = master_ids(
        StubSettings.from_config(config).disarm_master
    )  # ids DISARM already uses, as a single accept checks
    steps: dict[str, Callable[[str], Decision]] = {
        "accept": lambda sid: review.accept(catalogue, sid, None, known),
        "reject": lambda sid: review.reject(catalogue, sid, reason),
    }
    if action == "merge":
        keep = into.strip() or ids[0]
        ids = [i for i in ids if i.upper() != keep.upper()]
        if not ids:
            raise UserError("select at least one stub besides the one to merge into")
        steps["merge"] = lambda sid: review.merge(catalogue, keep, sid)
    out = Outcome(action)
    with acting_as(actor):
        for sid in ids:
            try:
                steps[action](sid)
            except UserError as exc:
                out.refused.append(str(exc))
                continue
            out.done.append(sid)
    if out.done:
        rewrite_feed(config, catalogue)
    out.batch = record(catalogue, action, out.done, actor)
    return out


def undo(config: Config, catalogue: Catalogue, batch_id: int, actor: str | None) -> Outcome:
    """Back to new, each stub of the batch nobody has decided since; the batch is undone once."""
    with catalogue.session() as s:
        batch = s.get(DeskBatch, batch_id)
        if batch is None:
            raise UserError(f"no decision {batch_id} to undo")
        taken = cast(
            CursorResult,
            s.execute(
                update(DeskBatch)
                .where(DeskBatch.id == batch_id, DeskBatch.undone_at.is_(None))
                .values(undone_at=utcnow())
            ),
        ).rowcount
        if taken != 1:
            raise UserError("that decision was already undone")
        since = dict(
            s.execute(
                select(Stub.stub_id, func.count(StubChange.id))
                .join(StubChange, StubChange.stub_pk == Stub.id)
                .where(Stub.stub_id.in_(batch.stub_ids), StubChange.at > batch.at, StubChange.kind.in_(DECISION_KINDS))
                .group_by(Stub.stub_id)
            ).all()
        )
        action, stub_ids = batch.action, list(batch.stub_ids)
    out = Outcome("undo")
    with acting_as(actor):
        for sid in stub_ids:
            if since.get(sid):
                out.refused.append(f"{sid} was decided again since: left as it is")
                continue
            try:
                (review.unmerge if action == "merge" else review.reopen)(catalogue, sid)
            except UserError as exc:
                out.refused.append(str(exc))
                continue
            out.done.append(sid)
    if out.done:
        rewrite_feed(config, catalogue)
    return out
