"""The curator's review of a stub: a small state machine every front end calls.

States: ``new`` (waiting for a curator), ``accepted`` (an incident, maybe with its
DISARM id), ``rejected`` (not an incident, with a reason), ``merged`` (its
references now belong to another stub, named in ``merged_into``).

Transitions (anything else is refused with a one-line UserError, nothing logged):

    accept   new -> accepted           (optionally assigns a DISARM id, I00000)
    reject   new -> rejected           (a reason is required)
    merge    KEEP new|accepted, OTHER new -> OTHER merged into KEEP
             (KEEP keeps its name and id; OTHER's references move to KEEP)
    unmerge  merged -> new             (its own references come back)
    split    new|accepted              (one stub per operation its reports name: the others are new stubs)
    reopen   accepted|rejected -> new  (clears the DISARM id / the reject reason)
    edit     new|accepted              (curator's value for a field, kept over re-extraction)

Each transition is one compare-and-set UPDATE on the stub's status, so two
curators (or a desk and the CLI) deciding at once cannot both succeed, and the
history gets exactly one entry per transition that happened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import Stub, StubReference
from scraper.errors import UserError

from . import curated, derived, edits
from .rows import get_stub, log_change
from .store import refresh, split_plan

STATES = ("new", "accepted", "rejected", "merged")
ALLOWED: dict[str, tuple[str, ...]] = {
    "accept": ("new",),
    "reject": ("new",),
    "merge_keep": ("new", "accepted"),
    "merge_other": ("new",),
    "unmerge": ("merged",),
    "reopen": ("accepted", "rejected"),
    "edit": ("new", "accepted"),
    "split": ("new", "accepted"),
}
EDITABLE = ("name", "summary", "incident_type", "year_started", "origin", "targets", "counts")
DISARM_ID = re.compile(r"^I\d{5}$")


@dataclass(frozen=True)
class Decision:
    """What a transition did, for printing or JSON."""

    action: str
    stub_id: str
    status: str
    disarm_id: str | None = None
    merged_into: str | None = None
    detail: str = ""
    also: list[str] = field(default_factory=list)  # other stubs the transition touched

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "id": self.stub_id,
            "status": self.status,
            "disarm_id": self.disarm_id,
            "merged_into": self.merged_into,
            "detail": self.detail,
            "also": self.also,
        }


_HINT = {
    "accepted": "`takedowns stubs reopen {id}` first",
    "rejected": "`takedowns stubs reopen {id}` first",
    "merged": "it is merged into {into}; `takedowns stubs unmerge {id}` first",
    "new": "it has not been decided yet",
}


def _refuse(verb: str, stub: Stub, role: str = "") -> UserError:
    hint = _HINT[stub.status].format(id=stub.stub_id, into=stub.merged_into)
    return UserError(f"cannot {verb} {stub.stub_id}{role}: it is {stub.status}; {hint}")


def _claim(s: Session, stub: Stub, transition: str, verb: str, new_status: str, role: str = "", **values: Any) -> None:
    """Move `stub` to `new_status` if (and only if) it is still in an allowed state."""
    allowed = ALLOWED[transition]
    if stub.status not in allowed:
        raise _refuse(verb, stub, role)
    now = utcnow()
    done = cast(
        CursorResult,
        s.execute(
            update(Stub)
            .where(Stub.id == stub.id, Stub.status == stub.status)
            .values(status=new_status, updated_at=now, **values)
        ),
    ).rowcount
    if done != 1:  # another process decided first
        s.refresh(stub)
        raise _refuse(verb, stub, role)
    s.refresh(stub)


def next_free_id(used: Iterable[str]) -> str:
    """The DISARM id after the highest one in `used` (I00001 when there is none)."""
    numbers = [int(i[1:]) for i in used if i and DISARM_ID.match(i)]
    return f"I{max(numbers, default=0) + 1:05d}"


def accept(
    catalogue: Catalogue, stub_id: str, disarm_id: str | None = None, master_ids: frozenset[str] = frozenset()
) -> Decision:
    """`master_ids`: the ids DISARM's master sheet already uses (`urls.master_ids`), never assigned again."""
    if disarm_id is not None and not DISARM_ID.match(disarm_id):
        raise UserError(f"--disarm-id must look like I00130 (an I and five digits), got {disarm_id!r}")
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        if disarm_id:
            taken = s.scalar(select(Stub.stub_id).where(Stub.disarm_id == disarm_id, Stub.id != stub.id))
            where = (
                f"assigned to stub {taken}" if taken else "in DISARM's master sheet" if disarm_id in master_ids else ""
            )
            if where:
                used = {
                    *master_ids,
                    *(i for i in s.scalars(select(Stub.disarm_id).where(Stub.disarm_id.is_not(None))) if i),
                }
                raise UserError(f"{disarm_id} is already {where}: the next free DISARM id is {next_free_id(used)}")
        values = {"disarm_id": disarm_id} if disarm_id else {}
        _claim(s, stub, "accept", "accept", "accepted", **values)
        detail = f"accepted{' as ' + disarm_id if disarm_id else ''}"
        log_change(s, stub, "accepted", detail)
        return _decision("accept", stub, detail)


def reject(catalogue: Catalogue, stub_id: str, reason: str) -> Decision:
    reason = (reason or "").strip()
    if not reason:
        raise UserError("give a reason: --reason '...'")
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        _claim(s, stub, "reject", "reject", "rejected", reject_reason=reason)
        log_change(s, stub, "rejected", reason)
        return _decision("reject", stub, reason)


def reopen(catalogue: Catalogue, stub_id: str) -> Decision:
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        before = stub.status
        if before == "new":
            raise UserError(f"cannot reopen {stub.stub_id}: it is already new")
        as_id = f" as {stub.disarm_id}" if stub.disarm_id else ""
        reason = f": {stub.reject_reason}" if stub.reject_reason else ""
        was = f" (was {before}{as_id}{reason})"
        _claim(s, stub, "reopen", "reopen", "new", disarm_id=None, reject_reason=None)
        log_change(s, stub, "reopened", "reopened" + was)
        return _decision("reopen", stub, "reopened" + was)


def merge(catalogue: Catalogue, keep_id: str, other_id: str) -> Decision:
    """Move OTHER's references into KEEP. KEEP keeps its name, id and status."""
    with catalogue.session() as s:
        keep, other = get_stub(s, keep_id), get_stub(s, other_id)
        if keep.id == other.id:
            raise UserError(f"cannot merge {keep.stub_id} into itself")
        if keep.status not in ALLOWED["merge_keep"]:
            raise _refuse("merge into", keep)
        _claim(s, other, "merge_other", "merge", "merged", role=f" into {keep.stub_id}", merged_into=keep.stub_id)
        # the kept stub must still be there to receive (a concurrent decision may have moved it)
        still = cast(
            CursorResult,
            s.execute(
                update(Stub)
                .where(Stub.id == keep.id, Stub.status.in_(ALLOWED["merge_keep"]))
                .values(updated_at=utcnow())
            ),
        ).rowcount
        if still != 1:
            s.refresh(keep)
            raise _refuse("merge into", keep)
        for ref in s.scalars(select(StubReference).where(StubReference.stub_pk == other.id)):
            ref.stub_pk = keep.id
            if ref.merged_from is None:
                ref.merged_from = other.stub_id
                ref.merge_reason = f"merged by a curator from {other.stub_id}"
        # stubs merged earlier into OTHER now live in KEEP
        s.execute(
            update(Stub).where(Stub.merged_into == other.stub_id, Stub.id != other.id).values(merged_into=keep.stub_id)
        )
        s.flush()
        refresh(s, keep)
        log_change(s, keep, "merged", f"curator merged {other.stub_id} into {keep.stub_id}")
        log_change(s, other, "merged", f"merged into {keep.stub_id}")
        s.flush()  # refresh() below reloads the row: without a flush it dropped what refresh(s, keep) recomputed
        s.refresh(keep)
        return _decision("merge", keep, f"merged {other.stub_id} into {keep.stub_id}", also=[other.stub_id])


def unmerge(catalogue: Catalogue, stub_id: str) -> Decision:
    """Give a merged stub back its own references and make it new again."""
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        holder_id = stub.merged_into
        _claim(s, stub, "unmerge", "unmerge", "new", merged_into=None)
        holders = set()
        for ref in s.scalars(select(StubReference).where(StubReference.merged_from == stub.stub_id)):
            holders.add(ref.stub_pk)
            ref.stub_pk, ref.merged_from, ref.merge_reason = stub.id, None, ""
        s.flush()
        touched = [s.get_one(Stub, pk) for pk in sorted(holders)]
        refresh(s, stub)
        for holder in touched:
            refresh(s, holder)
        for holder in touched:
            log_change(s, holder, "unmerged", f"curator took {stub.stub_id} back out of {holder.stub_id}")
        log_change(s, stub, "unmerged", f"unmerged from {holder_id}")
        return _decision("unmerge", stub, f"unmerged from {holder_id}", also=[h.stub_id for h in touched])


def split(catalogue: Catalogue, stub_id: str, *, id_prefix: str = "TA-", found_via: str = "") -> Decision:
    """One stub per operation: a cited report naming networks of different origins is cited by
    STUB for its first operation and by a new stub for each other one (a joined report's own
    references go with their origin). STUB keeps its id, status and edits; `merge` joins them again.
    """
    with catalogue.session() as s:
        catalogue.serialise(s, "stubs")  # it inserts references, as a poll's matching does: one at a time
        stub = get_stub(s, stub_id)
        if stub.status not in ALLOWED["split"]:
            raise _refuse("split", stub)
        plan = split_plan(s, stub)
        if not plan.moves:
            raise UserError(
                f"nothing to split in {stub.stub_id}: none of its reports names networks of different origins "
                "(`takedowns stubs merge` joins two stubs)"
            )
        _claim(s, stub, "split", "split", stub.status)  # one decision at a time, as every transition
        made = plan.apply(s, stub, id_prefix=id_prefix, found_via=found_via)
        detail = f"split {stub.stub_id} ({plan.kept or 'unstated origin'}) from " + ", ".join(
            f"{sid} ({part})" for sid, part in made
        )
        log_change(s, stub, "split", detail)
        return _decision("split", stub, detail, also=[sid for sid, _ in made])


def edit(catalogue: Catalogue, stub_id: str, changes: dict[str, object]) -> Decision:
    """Set curator values; an edited field is no longer recomputed from the reports."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise UserError(f"cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}")
    if not changes:
        raise UserError(
            "nothing to edit: give at least one of --name, --summary, --incident-type, --year-started, --origin, "
            "--targets"
        )
    changes = dict(changes)
    for key in ("origin", "targets"):
        value = changes.get(key, [])
        if not (isinstance(value, list) and all(isinstance(c, str) for c in value)):
            raise UserError(f"{key} must be a list of country names")
        if key in changes:
            changes[key] = curated.countries(value, key)  # "china" -> "China"; "Narnia" refused, naming the closest
    if "year_started" in changes and not re.fullmatch(r"(?:(?:19|20)\d\d)?", str(changes["year_started"])):
        raise UserError(f"year started must be a four-digit year or empty, got {changes['year_started']!r}")
    if "name" in changes and not str(changes["name"]).strip():
        raise UserError("a stub's name cannot be empty")
    if "counts" in changes and not (
        isinstance(changes["counts"], dict)
        and all(isinstance(k, str) and type(v) is int and v >= 0 for k, v in changes["counts"].items())
    ):
        raise UserError("counts must map asset types to whole numbers, e.g. facebook_accounts = 93")
    if "counts" in changes:
        changes["counts"] = curated.counts(cast(dict, changes["counts"]))
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        different: dict[str, Any] = {k: v for k, v in changes.items() if getattr(stub, k) != v}
        said = "; ".join(edits.describe(k, different[k], getattr(stub, k)) for k in sorted(different))
        if stub.status in ALLOWED["edit"]:
            edits.record(s, stub, different)  # the baseline for "the report changed since the edit"
        edited = sorted(set(stub.edited_fields or []) | set(changes))
        _claim(s, stub, "edit", "edit", stub.status, edited_fields=edited, **different)
        if different:  # the desk's origin filter and later reports' matching read the curator's values
            derived.sync(s, stub)
        if "counts" in different:  # the notes carry the curator's counts into every export
            refresh(s, stub)
        if different:
            log_change(s, stub, "edited", "curator set " + said)
        return _decision("edit", stub, ("set " + ", ".join(sorted(different))) if different else "nothing changed")


def _decision(action: str, stub: Stub, detail: str, also: list[str] | None = None) -> Decision:
    return Decision(action, stub.stub_id, stub.status, stub.disarm_id, stub.merged_into, detail, also or [])
