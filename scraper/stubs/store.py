"""Stubs in the catalogue: create, cluster, update, and the curator's decisions.

Re-running never duplicates a stub: a report URL (normalised) belongs to at
most one stub, so an updated report updates its stub and records what changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, undefer

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import ArchiveJob, ReportRow, Stub, StubChange, StubReference, StubTechnique
from scraper.config import Config
from scraper.extract.countries import house_style
from scraper.extract.report import Report
from scraper.urls import normalise_url, report_url

from . import blocking, content, edits
from .disarm_page import IncidentPage, Reference
from .escape import found_via_cell, markup, notes_block, safe_url, single_line, year_text
from .rows import get_stub, log_change
from .settings import StubSettings
from .technique_rows import table_rows
from .urls import master_urls

__all__ = ["StubOutcome", "get_stub", "refresh", "update_stubs_for_report"]


@dataclass
class StubOutcome:
    action: str  # created | merged | updated | unchanged | skipped
    stub_id: str | None
    reason: str
    also: list[str] = field(default_factory=list)  # the other stubs of a report naming several operations


def _assign_id(s: Session, stub: Stub, prefix: str) -> None:
    """Name a just-inserted stub after its database key (`TA-00042` for row 42).

    The key comes from the database's own sequence, so processes inserting at the
    same time never mint the same id (the old max(id) + 1 did). A catalogue whose
    ids were numbered otherwise skips to the next free number.
    """
    number = stub.id
    while s.scalar(select(Stub.id).where(Stub.stub_id == f"{prefix}{number:05d}", Stub.id != stub.id)) is not None:
        number += 1
    stub.stub_id = f"{prefix}{number:05d}"


def _cited(s: Session, stub: Stub) -> list[tuple[StubReference, dict[str, Any] | None]]:
    """The stub's references with their report data (None when not extracted), in notes order, in one query."""
    rows = s.execute(
        select(StubReference, ReportRow.data)
        .outerjoin(ReportRow, ReportRow.capture_id == StubReference.capture_id)
        .where(StubReference.stub_pk == stub.id)
        .options(undefer(StubReference.notes))
        .order_by(StubReference.id)
    ).all()
    return [(ref, data) for ref, data in sorted(rows, key=lambda r: _notes_order(r[0]))]


def report_digest(data: dict[str, Any]) -> str:
    """What identifies a report's content for its stub: its data without the capture it came from."""
    canonical = json.dumps(
        {k: v for k, v in data.items() if k != "capture_id"}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _notes_order(ref: StubReference) -> bool:
    """Own reports first, then those a curator merged in (so a curator's merge never renames the kept stub)."""
    return ref.merged_from is not None


def stub_notes(stub: Stub, refs: list[StubReference]) -> str:
    """The stub's notes as exported: each cited report's block (own reports first), then the curator's counts."""
    blocks = [r.notes for r in sorted(refs, key=_notes_order) if r.notes]
    return content.stub_notes(blocks, (stub.counts or {}) if "counts" in (stub.edited_fields or []) else None)


def notes_of(s: Session, stub: Stub) -> str:
    """`stub_notes` for one stub, in one query (exports of many stubs use `load_listing(notes=True)`)."""
    rows = s.execute(
        select(StubReference.merged_from, StubReference.notes)
        .where(StubReference.stub_pk == stub.id)
        .order_by(StubReference.id)
    ).all()
    blocks = [notes for merged_from, notes in sorted(rows, key=lambda r: r[0] is not None) if notes]
    return content.stub_notes(blocks, (stub.counts or {}) if "counts" in (stub.edited_fields or []) else None)


def refresh(s: Session, stub: Stub) -> list[str]:
    """Recompute the stub's derived fields from its reports; returns the names of fields that changed.

    Fields a curator edited (`edited_fields`) keep the curator's value.
    """
    cited = [
        (ref, data, content.report_part(Report.from_dict(data), ref.part) if data is not None else None)
        for ref, data in _cited(s, stub)
    ]
    reports = [(report, ref.part) for ref, _, report in cited if report is not None]
    if not reports:
        return []
    notes_before = stub_notes(stub, [ref for ref, _, _ in cited])
    for ref, data, report in cited:
        block = content.notes([report]) if report is not None else ""
        if ref.notes != block:
            ref.notes = block
        digest = report_digest(data) if data is not None else None
        if ref.report_sha256 != digest:
            ref.report_sha256 = digest
        if report is not None:
            said, primary = report.asset_counts(), content.is_platform_report(report)
            if ref.counts != said:
                ref.counts = said
            if ref.is_primary != primary:
                ref.is_primary = primary
    new = derived_fields([r for r, _ in reports], [part for _, part in reports])
    if stub.edited_fields:
        edits.note_extraction(s, stub, new)  # so the desk can show the report changed since the edit
    for k in stub.edited_fields or []:
        new.pop(k, None)
    changed = [k for k, v in new.items() if getattr(stub, k) != v]
    for k in changed:
        setattr(stub, k, new[k])
    if stub_notes(stub, [ref for ref, _, _ in cited]) != notes_before:
        changed.append("notes")
    if changed:
        stub.updated_at = utcnow()
    return changed


def derived_fields(reports: list[Report], parts: list[str] | None = None) -> dict[str, Any]:
    """A stub's fields derived from its reports (in notes order; `parts[i]`: which operation of
    `reports[i]` it cites, "" for all): a pure function.

    The lead report gives the name, summary and date: the platform's own disclosure when one is
    cited, else the first report (a retelling leads only until the platform's report arrives).
    Counts are the platform reports' (a retelling's differing figures are kept on its reference
    and raise `counts_disagree`); without one, each type's first stated count.
    """
    lead_at = content.lead_index(reports)
    lead = reports[lead_at]
    primaries = [r for r in reports if content.is_platform_report(r)]
    origin: list[str] = []
    targets: list[str] = []
    for r in reports:
        o, t = content.countries(r)
        origin += [c for c in o if c not in origin]
        targets += [c for c in t if c not in targets]
    counts: dict[str, int] = {}
    for r in primaries or [lead, *reports]:
        for k, v in r.asset_counts().items():
            counts.setdefault(k, v)
    years = [y for y in map(content.year_started, reports) if y]
    dates = [r.pub_date for r in reports if r.pub_date]
    first = lead.pub_date if primaries and lead.pub_date else (min(dates) if dates else None)
    return {
        "name": content.name(lead, (parts or [])[lead_at] if parts else ""),
        "summary": content.summary(lead),
        "platform": lead.platform or next((r.platform for r in reports if r.platform), None),
        "origin": origin,
        "targets": targets,
        "counts": counts,
        "counts_disagree": any(content.disagreements(counts, r.asset_counts()) for r in reports),
        "needs_check": any(r.to_check() for r in reports),
        "platform_led": bool(primaries),
        "year_started": min(years) if years else "",
        "first_pub_date": first.isoformat() if first else None,
    }


def _absorb(stub: Stub, report: Report) -> list[str]:
    """Fold one more retelling into a stub's derived fields, as `refresh` would, without reloading the others.

    Appending a report that is not the platform's own to the reference list only extends origin,
    targets and (while no platform report is cited) counts, lowers the year started (and, without
    a platform report, the first date) and may raise `counts_disagree`; its notes are a block on
    its own reference row (`stub_notes`), and the lead report (name, summary) is unchanged. A stub
    with hundreds of references therefore costs the same to extend as one with two.
    The caller recomputes the whole stub (`refresh`) instead when a curator set the counts.
    """
    o, t = content.countries(report)
    origin, targets = list(stub.origin or []), list(stub.targets or [])
    origin += [c for c in o if c not in origin]
    targets += [c for c in t if c not in targets]
    has_primary = stub.platform_led
    counts = dict(stub.counts or {})
    if not has_primary:
        for k, v in report.asset_counts().items():
            counts.setdefault(k, v)
    years = [y for y in (stub.year_started, content.year_started(report)) if y]
    dates = [
        d
        for d in (stub.first_pub_date, report.pub_date.isoformat() if report.pub_date and not has_primary else None)
        if d
    ]
    new = {
        "platform": stub.platform or report.platform,
        "origin": origin,
        "targets": targets,
        "counts": counts,
        "counts_disagree": bool(stub.counts_disagree or content.disagreements(counts, report.asset_counts())),
        "needs_check": bool(stub.needs_check or report.to_check()),
        "year_started": min(years) if years else "",
        "first_pub_date": min(dates) if dates else None,
    }
    for k in stub.edited_fields or []:
        new.pop(k, None)
    changed = [k for k, v in new.items() if getattr(stub, k) != v]
    for k in changed:
        setattr(stub, k, new[k])
    stub.updated_at = utcnow()  # the notes gained the report's block
    return [*changed, "notes"]


def reference_keys(report: Report) -> list[str]:
    """The keys a report may be cited under: its final URL's (`scraper.urls.report_url`), then the
    asked URL's (references written before issue 28 were keyed by the asked URL)."""
    return list(dict.fromkeys([normalise_url(report_url(report.url, report.final_url)), normalise_url(report.url)]))


def update_stubs_for_report(
    config: Config, catalogue: Catalogue, capture_id: int, source_name: str | None = None, *, forced: bool = False
) -> StubOutcome:
    """Create, extend or update the stubs a report belongs to (idempotent): one per operation it describes.

    A report naming networks of different origins describes as many operations (`content.parts`),
    each with its own stub citing the report; a report already cited whole stays whole (a curator
    splits it: `review.split`). `forced`: an operator force-included the report, so it reaches the
    queue even when it states no removed-asset counts.
    """
    settings = StubSettings.from_config(config)
    known = master_urls(settings.disarm_master)
    with catalogue.session() as s:
        catalogue.serialise(s, "stubs")  # matching reads every open stub: one process at a time decides
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture_id))
        if row is None:
            return StubOutcome("skipped", None, "no extracted report")
        report = Report.from_dict(row.data)
        keys = reference_keys(report)
        if any(k in known for k in keys) or normalise_url(report.final_url) in known:
            return StubOutcome("skipped", None, "DISARM already lists this URL")
        cited = {
            ref.part: ref
            for ref in s.scalars(
                select(StubReference).where(StubReference.normalised_url.in_(keys)).order_by(StubReference.id.desc())
            )
        }
        parts = [""] if "" in cited else content.parts(report)
        outcomes = [
            _update_part(
                s,
                settings,
                report,
                part,
                cited.get(part),
                keys[0],
                capture_id,
                report_digest(row.data),
                source_name,
                forced,
            )
            for part in parts
        ]
    done = [o for o in outcomes if o.action in ("created", "merged", "updated")]
    lead = (done or outcomes)[0]
    also = [o.stub_id for o in outcomes if o is not lead and o.stub_id and o.stub_id != lead.stub_id]
    return StubOutcome(lead.action, lead.stub_id, lead.reason, also)


def _update_part(
    s: Session,
    settings: StubSettings,
    whole: Report,
    part: str,
    existing: StubReference | None,
    key: str,
    capture_id: int,
    digest: str,
    source_name: str | None,
    forced: bool,
) -> StubOutcome:
    """`update_stubs_for_report` for one operation of a report (`part`, "" for the whole report)."""
    report = content.report_part(whole, part)
    if (
        existing is not None and existing.report_sha256 == digest and existing.counts is not None
    ):  # a re-poll of the same report
        existing.capture_id = capture_id
        stub_id = s.scalar(select(Stub.stub_id).where(Stub.id == existing.stub_pk))
        return StubOutcome("unchanged", stub_id, "report already cited, nothing changed")
    if existing is not None:
        stub = s.get_one(Stub, existing.stub_pk)
        existing.capture_id, existing.title = capture_id, whole.title or ""
        existing.pub_date, existing.authors, existing.org = (
            content.disarm_date(report.pub_date),
            ", ".join(report.authors),
            report.org or "",
        )
        changed = refresh(s, stub)
        if changed:
            log_change(s, stub, "updated", f"report {report.url} changed: {', '.join(changed)}")
            return StubOutcome("updated", stub.stub_id, "changed: " + ", ".join(changed))
        return StubOutcome("unchanged", stub.stub_id, "report already cited, nothing changed")
    worth, why = content.is_takedown(report)
    if not worth and not forced:
        return StubOutcome("skipped", None, why)
    if not worth:
        why = f"force-included by an operator ({why})"
    match = blocking.first_match(s, report, settings.cluster_window_days)
    now = utcnow()
    primary = content.is_platform_report(report)
    if match:
        stub, reason = match
        action = "merged"
    else:
        stub = new_stub(s, settings, now, derived_fields([report], [part]))
        reason, action = why, "created"
    s.add(
        StubReference(
            stub_pk=stub.id,
            url=report.url,
            normalised_url=key,
            part=part,
            capture_id=capture_id,
            pub_date=content.disarm_date(report.pub_date),
            authors=", ".join(report.authors),
            org=report.org or "",
            title=whole.title or "",
            merge_reason=reason if action == "merged" else "",
            added_at=now,
            notes=content.notes([report]),
            report_sha256=digest,
            is_primary=primary,
            counts=report.asset_counts(),
        )
    )
    if action == "merged":
        if primary or "counts" in (
            stub.edited_fields or []
        ):  # the platform's report now leads: recompute from every report
            s.flush()
            refresh(s, stub)
        else:
            _absorb(stub, report)
    found = f" (found by source {source_name or 'fetch'})" if action == "created" else ""
    which = f" (the {part} operation)" if part else ""
    log_change(s, stub, action, f"{report.url}{which}: {reason}{found}")
    return StubOutcome(action, stub.stub_id, reason)


def new_stub(s: Session, settings: StubSettings, now: datetime, fields: dict[str, Any]) -> Stub:
    """Insert a new stub with `fields` (what `derived_fields` finds in its first report) and give it its id."""
    stub = Stub(
        stub_id=f"new-{uuid.uuid4().hex[:16]}",  # until the row has its key (_assign_id)
        status="new",
        found_via=settings.found_via,  # a DISARM code (or empty), as its rows hold; the source is logged by the caller
        date_added=now.date().isoformat(),
        created_at=now,
        updated_at=now,
        # what `refresh` would find from the one report a new stub cites, inserted with the row
        # (no read-back of its reference, no second UPDATE and derived-row rewrite)
        **fields,
    )
    s.add(stub)
    s.flush()
    _assign_id(s, stub, settings.id_prefix)
    return stub


@dataclass
class SplitPlan:
    """How a stub splits by operation (`review.split`): the part it keeps, and where each reference goes."""

    kept: str
    moves: dict[str, list[tuple[StubReference, bool]]]  # part -> (reference, copy it: a report's other operation)
    first: dict[str, Report]  # part -> a report of it, for the new stub's first fields
    renames: list[
        tuple[StubReference, str]
    ]  # a reference of a whole report naming several operations -> the one it keeps citing

    def apply(self, s: Session, stub: Stub, *, id_prefix: str, found_via: str) -> list[tuple[str, str]]:
        """Make the new stubs and move or copy their references; returns (new stub id, part) pairs."""
        settings = StubSettings(id_prefix=id_prefix, found_via=found_via)
        now = utcnow()
        made: list[tuple[str, str]] = []
        for ref, part in self.renames:
            ref.part = part
        s.flush()
        for part, refs in self.moves.items():
            target = new_stub(s, settings, now, derived_fields([content.report_part(self.first[part], part)], [part]))
            for ref, copy in refs:
                if not copy:
                    ref.stub_pk = target.id
                elif (
                    s.scalar(
                        select(StubReference.id).where(
                            StubReference.normalised_url == ref.normalised_url, StubReference.part == part
                        )
                    )
                    is None
                ):
                    s.add(
                        StubReference(
                            stub_pk=target.id,
                            url=ref.url,
                            normalised_url=ref.normalised_url,
                            part=part,
                            capture_id=ref.capture_id,
                            pub_date=ref.pub_date,
                            authors=ref.authors,
                            org=ref.org,
                            title=ref.title,
                            added_at=now,
                            merge_reason=f"split by a curator from {stub.stub_id}",
                        )
                    )
            s.flush()
            refresh(s, target)
            log_change(s, target, "created", f"split by a curator from {stub.stub_id}: the {part} operation")
            made.append((target.stub_id, part))
        refresh(s, stub)
        return made


def split_plan(s: Session, stub: Stub) -> SplitPlan:
    """Where each of the stub's references goes when it is split by operation (no operation to move: no moves).

    The operations are the origins of the networks of each cited report naming several (in the
    order the first such report names them), and the parts of references already split. STUB keeps
    the first; a report naming several is copied to each other's stub, and a report of one origin
    moves to that origin's stub.
    """
    cited = [(ref, Report.from_dict(data)) for ref, data in _cited(s, stub) if data is not None]
    order: list[str] = []
    for ref, report in cited:
        order += [p for p in ([ref.part] if ref.part else content.parts(report)) if p and p not in order]
    if len(order) < 2:
        return SplitPlan("", {}, {}, [])
    kept = order[0]
    moves: dict[str, list[tuple[StubReference, bool]]] = {}
    first: dict[str, Report] = {}
    renames: list[tuple[StubReference, str]] = []
    for ref, report in cited:
        own = [ref.part] if ref.part else content.parts(report)
        if len(own) > 1:
            renames.append((ref, kept if kept in own else own[0]))
        elif own == [""]:  # a report of one operation (or none stated) goes with its origin
            own = [content.part_key(content.countries(report)[0])]
        home = kept if kept in own else own[0]
        for part in own:
            if part in order and part != kept:
                moves.setdefault(part, []).append((ref, part != home))
                first.setdefault(part, report)
    return SplitPlan(kept, moves, first, renames)


# --- reading stubs (decisions live in review.py) ---------------------------------------


def archive_link_for(s: Session, url: str) -> str:
    link = s.scalar(
        select(ArchiveJob.archive_link)
        .where(ArchiveJob.url == url, ArchiveJob.status == "success")
        .order_by(ArchiveJob.id.desc())
        .limit(1)
    )
    return link or "pending"


def references(s: Session, stub: Stub) -> list[StubReference]:
    return list(s.scalars(select(StubReference).where(StubReference.stub_pk == stub.id).order_by(StubReference.id)))


@dataclass
class Listing:
    """Stubs with their references and archive links, loaded in three queries whatever their number."""

    stubs: list[Stub]
    refs: dict[int, list[StubReference]]
    links: dict[str, str]
    accepted: dict[int, list[StubTechnique]]  # accepted DISARM techniques, by stub
    with_notes: bool = False  # the references' notes were loaded (load_listing(notes=True))

    def notes(self, stub: Stub) -> str:
        """The stub's notes (`stub_notes`); only from a listing loaded with notes=True."""
        if not self.with_notes:
            raise ValueError("this listing was loaded without notes: load_listing(..., notes=True)")
        return stub_notes(stub, self.references(stub))

    def references(self, stub: Stub) -> list[StubReference]:
        return self.refs.get(stub.id, [])

    def techniques(self, stub: Stub) -> list[StubTechnique]:
        return self.accepted.get(stub.id, [])

    def link(self, url: str) -> str:
        return self.links.get(url, "pending")


def load_listing(
    s: Session,
    statuses: tuple[str, ...] | None = None,
    stub_id: int | None = None,
    newest: int | None = None,
    *,
    notes: bool = False,
    changed_since: datetime | None = None,
    within: Select | None = None,
) -> Listing:
    """Every stub (or those with one of `statuses`, or one stub, or the `newest` updated), oldest first, without a
    query per row.

    `notes`: also load the references' notes blocks (exports need them; lists and the feed do not).
    `changed_since`: only stubs whose exported record changed at or after that time (see `changed_since`).
    `within`: only stubs whose id that select gives.
    """
    ids = select(Stub.id)
    if statuses:
        ids = ids.where(Stub.status.in_(statuses))
    if changed_since is not None:
        ids = ids.where(changed_since_clause(changed_since))
    if stub_id is not None:
        ids = ids.where(Stub.id == stub_id)
    if within is not None:  # the stub ids some other filter chose (the desk's queue filters)
        ids = ids.where(Stub.id.in_(within))
    if newest is not None:
        ids = ids.order_by(Stub.updated_at.desc(), Stub.id.desc()).limit(newest)
    stubs = list(s.scalars(select(Stub).where(Stub.id.in_(ids)).order_by(Stub.id)))
    refs: dict[int, list[StubReference]] = {}
    ref_query = select(StubReference).where(StubReference.stub_pk.in_(ids)).order_by(StubReference.id)
    for ref in s.scalars(ref_query.options(undefer(StubReference.notes)) if notes else ref_query):
        refs.setdefault(ref.stub_pk, []).append(ref)
    cited = select(StubReference.url).where(StubReference.stub_pk.in_(ids))
    links: dict[str, str] = {}
    for url, link in s.execute(
        select(ArchiveJob.url, ArchiveJob.archive_link)
        .where(ArchiveJob.status == "success", ArchiveJob.archive_link.is_not(None), ArchiveJob.url.in_(cited))
        .order_by(ArchiveJob.id)
    ):
        if link is not None:  # never, by the query; tells the type checker
            links[url] = link  # the newest success wins, as in archive_link_for
    accepted: dict[int, list[StubTechnique]] = {}
    for row in s.scalars(
        select(StubTechnique)
        .where(StubTechnique.stub_pk.in_(ids), StubTechnique.status == "accepted")
        .order_by(StubTechnique.technique_id)
    ):
        accepted.setdefault(row.stub_pk, []).append(row)
    return Listing(stubs, refs, links, accepted, with_notes=notes)


def changed_since_clause(since: datetime):
    """Stubs whose exported record changed at or after `since` (naive UTC).

    A record changes with the stub itself (new reference, edit, status: `updated_at`), with a
    curator's technique decision (`decided_at`), and when the archive link of a URL it cites
    resolves (a successful job's `checked_at`). Each is an index range (migration 0013), so the
    query reads what changed, not every stub.
    """
    resolved = select(ArchiveJob.url).where(ArchiveJob.status == "success", ArchiveJob.checked_at >= since)
    return or_(
        Stub.updated_at >= since,
        Stub.id.in_(select(StubTechnique.stub_pk).where(StubTechnique.decided_at >= since)),
        Stub.id.in_(select(StubReference.stub_pk).where(StubReference.url.in_(resolved))),
    )


def to_page(s: Session, stub: Stub, listing: Listing | None = None, *, years_have_blanks: bool = False) -> IncidentPage:
    """The stub as DISARM cell values (escaped here, once), ready for pages and sheets.

    `years_have_blanks`: whether the exported batch has a stub without a year
    (DISARM's generator then prints years as `2019.0`; see sheets.year_text).
    """
    listing = listing or load_listing(s, stub_id=stub.id, notes=True)
    refs = [
        Reference(
            safe_url(r.url),
            single_line(r.pub_date, table=True),
            single_line(r.authors, table=True),
            single_line(r.org, table=True),
            safe_url(listing.links.get(r.url, "")),
        )  # empty while pending, as DISARM leaves it
        for r in _one_per_url(listing.references(stub))
    ]
    return IncidentPage(
        id=stub.disarm_id or stub.stub_id,
        name=single_line(stub.name),
        summary=markup(stub.summary.split("\n\n")),
        incident_type=single_line(stub.incident_type),
        year_started=year_text(stub.year_started, years_have_blanks),
        from_countries=single_line(", ".join(house_style(c) for c in stub.origin or [])),
        to_countries=single_line(", ".join(house_style(c) for c in stub.targets or [])),
        found_via=found_via_cell(stub.found_via),
        date_added=single_line(stub.date_added),
        references=refs,
        techniques=table_rows(listing.techniques(stub)),
        notes=notes_block(listing.notes(stub) if listing.with_notes else notes_of(s, stub)),
    )


def _one_per_url(refs: list[StubReference]) -> list[StubReference]:
    """A stub's references with each URL once (a report cited for two of its operations, joined back, is one row)."""
    seen: set[str] = set()
    return [r for r in refs if not (r.url in seen or seen.add(r.url))]  # type: ignore[func-returns-value]


def list_stubs(s: Session, status: str | None) -> list[Stub]:
    q = select(Stub).order_by(Stub.id)
    if status:
        q = q.where(Stub.status == status)
    return list(s.scalars(q))


def changes(s: Session, stub: Stub) -> list[StubChange]:
    return list(s.scalars(select(StubChange).where(StubChange.stub_pk == stub.id).order_by(StubChange.id)))
