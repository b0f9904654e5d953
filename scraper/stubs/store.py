"""Stubs in the catalogue: create, cluster, update, and the curator's decisions.

Re-running never duplicates a stub: a report URL (normalised) belongs to at
most one stub, so an updated report updates its stub and records what changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, undefer

from archive.catalogue import Catalogue, utcnow
from archive.tables import ArchiveJob, ReportRow, Stub, StubChange, StubReference, StubTechnique
from scraper.config import Config
from scraper.extract.countries import house_style
from scraper.extract.report import Report
from scraper.urls import normalise_url

from . import blocking, content, edits
from .disarm_page import IncidentPage, Reference
from .escape import found_via_cell, markup, notes_block, safe_url, single_line, year_text
from .review import get_stub, log_change
from .settings import StubSettings
from .urls import master_urls

__all__ = ["StubOutcome", "get_stub", "refresh", "update_stubs_for_report"]


@dataclass
class StubOutcome:
    action: str  # created | merged | updated | unchanged | skipped
    stub_id: str | None
    reason: str


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
    canonical = json.dumps({k: v for k, v in data.items() if k != "capture_id"}, sort_keys=True, ensure_ascii=False, default=str)
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
        select(StubReference.merged_from, StubReference.notes).where(StubReference.stub_pk == stub.id).order_by(StubReference.id)
    ).all()
    blocks = [notes for merged_from, notes in sorted(rows, key=lambda r: r[0] is not None) if notes]
    return content.stub_notes(blocks, (stub.counts or {}) if "counts" in (stub.edited_fields or []) else None)


def refresh(s: Session, stub: Stub) -> list[str]:
    """Recompute the stub's derived fields from its reports; returns the names of fields that changed.

    Fields a curator edited (`edited_fields`) keep the curator's value.
    """
    cited = [(ref, data, Report.from_dict(data) if data is not None else None) for ref, data in _cited(s, stub)]
    reports = [report for _, _, report in cited if report is not None]
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
    new = derived_fields(reports)
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


def derived_fields(reports: list[Report]) -> dict[str, Any]:
    """A stub's fields derived from its reports (the first is the primary): a pure function."""
    primary = reports[0]
    origin: list[str] = []
    targets: list[str] = []
    counts: dict[str, int] = {}
    for r in reports:
        o, t = content.countries(r)
        origin += [c for c in o if c not in origin]
        targets += [c for c in t if c not in targets]
        for k, v in r.asset_counts().items():
            counts.setdefault(k, v)
    years = [y for y in map(content.year_started, reports) if y]
    dates = [r.pub_date for r in reports if r.pub_date]
    return {
        "name": primary.title or primary.url,
        "summary": content.summary(primary),
        "platform": next((r.platform for r in reports if r.platform), None),
        "origin": origin,
        "targets": targets,
        "counts": counts,
        "year_started": min(years) if years else "",
        "first_pub_date": min(dates).isoformat() if dates else None,
    }


def _absorb(stub: Stub, report: Report) -> list[str]:
    """Fold one more report into a stub's derived fields, as `refresh` would, without reloading the others.

    Appending a report to the reference list only extends origin, targets and
    counts and lowers the first date and year started; its notes are a block on
    its own reference row (`stub_notes`), and the primary report (name, summary)
    is unchanged. A stub with hundreds of references therefore costs the same
    to extend as one with two: the same statements, the same bytes written.
    """
    o, t = content.countries(report)
    origin, targets = list(stub.origin or []), list(stub.targets or [])
    origin += [c for c in o if c not in origin]
    targets += [c for c in t if c not in targets]
    counts = dict(stub.counts or {})
    for k, v in report.asset_counts().items():
        counts.setdefault(k, v)
    years = [y for y in (stub.year_started, content.year_started(report)) if y]
    dates = [d for d in (stub.first_pub_date, report.pub_date.isoformat() if report.pub_date else None) if d]
    new = {
        "platform": stub.platform or report.platform,
        "origin": origin,
        "targets": targets,
        "counts": counts,
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


def update_stubs_for_report(config: Config, catalogue: Catalogue, capture_id: int, source_name: str | None = None, *,
                            forced: bool = False) -> StubOutcome:
    """Create, extend or update the stub a report belongs to (idempotent).

    `forced`: an operator force-included the report, so it reaches the queue even
    when it states no removed-asset counts.
    """
    settings = StubSettings.from_config(config)
    known = master_urls(settings.disarm_master)
    with catalogue.session() as s:
        catalogue.serialise(s, "stubs")  # matching reads every open stub: one process at a time decides
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture_id))
        if row is None:
            return StubOutcome("skipped", None, "no extracted report")
        report = Report.from_dict(row.data)
        key = normalise_url(report.url)
        if key in known or normalise_url(report.final_url) in known:
            return StubOutcome("skipped", None, "DISARM already lists this URL")
        existing = s.scalar(select(StubReference).where(StubReference.normalised_url == key))
        digest = report_digest(row.data)
        if existing is not None and existing.report_sha256 == digest:  # a re-poll of the same report: nothing to recompute
            existing.capture_id = capture_id
            stub_id = s.scalar(select(Stub.stub_id).where(Stub.id == existing.stub_pk))
            return StubOutcome("unchanged", stub_id, "report already cited, nothing changed")
        if existing is not None:
            stub = s.get_one(Stub, existing.stub_pk)
            existing.capture_id, existing.title = capture_id, report.title or ""
            existing.pub_date, existing.authors, existing.org = content.disarm_date(report.pub_date), ", ".join(report.authors), report.org or ""
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
        if match:
            stub, reason = match
            action = "merged"
        else:
            stub = Stub(
                stub_id=f"new-{uuid.uuid4().hex[:16]}",  # until the row has its key (_assign_id)
                status="new",
                found_via=settings.found_via,  # a DISARM code (or empty), as its rows hold; the source is logged below
                date_added=now.date().isoformat(),
                created_at=now,
                updated_at=now,
                # what `refresh` would find from the one report a new stub cites, inserted with the row
                # (no read-back of its reference, no second UPDATE and derived-row rewrite)
                **derived_fields([report]),
            )
            s.add(stub)
            s.flush()
            _assign_id(s, stub, settings.id_prefix)
            reason, action = why, "created"
        s.add(StubReference(
            stub_pk=stub.id, url=report.url, normalised_url=key, capture_id=capture_id,
            pub_date=content.disarm_date(report.pub_date), authors=", ".join(report.authors),
            org=report.org or "", title=report.title or "", merge_reason=reason if action == "merged" else "", added_at=now,
            notes=content.notes([report]), report_sha256=digest,
        ))
        if action == "merged":
            _absorb(stub, report)
        found = f" (found by source {source_name or 'fetch'})" if action == "created" else ""
        log_change(s, stub, action, f"{report.url}: {reason}{found}")
        return StubOutcome(action, stub.stub_id, reason)


# --- reading stubs (decisions live in review.py) ---------------------------------------


def archive_link_for(s: Session, url: str) -> str:
    link = s.scalar(
        select(ArchiveJob.archive_link).where(ArchiveJob.url == url, ArchiveJob.status == "success").order_by(ArchiveJob.id.desc()).limit(1)
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


def load_listing(s: Session, statuses: tuple[str, ...] | None = None, stub_id: int | None = None, newest: int | None = None, *,
                 notes: bool = False, changed_since: datetime | None = None, within: Select | None = None) -> Listing:
    """Every stub (or those with one of `statuses`, or one stub, or the `newest` updated), oldest first, without a query per row.

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
        select(StubTechnique).where(StubTechnique.stub_pk.in_(ids), StubTechnique.status == "accepted").order_by(StubTechnique.technique_id)
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
    from scraper.techniques.store import table_rows  # accepted techniques fill the Technique table

    listing = listing or load_listing(s, stub_id=stub.id, notes=True)
    refs = [
        Reference(safe_url(r.url), single_line(r.pub_date), single_line(r.authors), single_line(r.org), safe_url(listing.links.get(r.url, "")))  # empty while pending, as DISARM leaves it
        for r in listing.references(stub)
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


def list_stubs(s: Session, status: str | None) -> list[Stub]:
    q = select(Stub).order_by(Stub.id)
    if status:
        q = q.where(Stub.status == status)
    return list(s.scalars(q))


def changes(s: Session, stub: Stub) -> list[StubChange]:
    return list(s.scalars(select(StubChange).where(StubChange.stub_pk == stub.id).order_by(StubChange.id)))
