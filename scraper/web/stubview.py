"""Everything the stub page shows, loaded in a fixed handful of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.tables import (
    ArchiveJob,
    ReportRow,
    Stub,
    StubChange,
    StubEdit,
    StubTechnique,
)
from scraper.extract.report import Report
from scraper.stubs import store
from scraper.stubs.disarm_page import render_page
from scraper.techniques import store as technique_store

from .highlight import Segment, highlight
from .queue import neighbour
from .render import markdown_html, safe_href


@dataclass
class Evidence:
    index: int
    label: str  # "network 1" or "totals"
    counts: list[tuple[str, int, bool]]  # (asset type, number, approximate)
    sentence: str
    found: bool = False
    check: list[str] = field(
        default_factory=list
    )  # "counts twitter_accounts=212: why", values the extractor is less sure of


@dataclass
class ReportView:
    url: str
    title: str
    capture_id: int | None
    segments: list[Segment]
    evidence: list[Evidence]


@dataclass
class RefView:
    url: str
    href: str | None
    title: str
    pub_date: str
    authors: str
    org: str
    archive: str
    archive_href: str | None
    capture_id: int | None
    merge_reason: str
    part: str = ""  # the operation of a report naming several that this stub cites
    primary: bool = False  # the platform's own report (it leads the stub)
    counts: dict[str, int] = field(default_factory=dict)  # what this report states
    differs: list[str] = field(default_factory=list)  # asset types where it states another number than the stub


@dataclass
class EditView:
    field: str
    value: Any
    extracted: Any
    latest: Any
    at: datetime
    report_changed_at: datetime | None


@dataclass
class StubView:
    stub: Stub
    page_markdown: str
    page_html: str
    references: list[RefView]
    reports: list[ReportView]
    history: list[StubChange]
    edits: list[EditView]
    changed_since_edit: bool
    merged_here: list[tuple[str, str]] = field(default_factory=list)  # (stub id, name) merged into this one
    techniques: list[StubTechnique] = field(default_factory=list)  # open suggestions by score, then decided ones
    next_id: str | None = None
    prev_id: str | None = None


def _evidence(report: Report) -> list[Evidence]:
    out: list[Evidence] = []
    to_check: dict[str, list[str]] = {}
    for where, field_name, value, reasons in report.to_check():
        to_check.setdefault(where, []).append(f"{field_name} {value}: {'; '.join(reasons) or 'weaker rule'}")
    for n, net in enumerate(report.networks, 1):
        counts = [(k, v, k in net.approximate) for k, v in net.counts.items()]
        # a network without evidence sentences (places from the title only) still shows its marks
        for j, sentence in enumerate(net.evidence or ([""] if to_check.get(f"network {n}") else [])):
            out.append(
                Evidence(
                    len(out), f"network {n}", counts, sentence, check=to_check.get(f"network {n}", []) if j == 0 else []
                )
            )
    for j, sentence in enumerate(report.totals_evidence):
        totals = [(k, v, False) for k, v in report.totals.items()]
        out.append(Evidence(len(out), "totals", totals, sentence, check=to_check.get("totals", []) if j == 0 else []))
    return out


def _techniques(s: Session, stub: Stub) -> list[StubTechnique]:
    rows = technique_store.of_stub(s, stub)
    order = {"suggested": 0, "accepted": 1, "rejected": 2}
    return sorted(rows, key=lambda r: (order.get(r.status, 3), -(r.score or 0.0), r.technique_id))


def load_stub(s: Session, stub_id: str) -> StubView:
    stub = store.get_stub(s, stub_id)
    refs = store.references(s, stub)
    urls = [r.url for r in refs]
    capture_ids = [r.capture_id for r in refs if r.capture_id]
    links: dict[str, str] = {}
    for url, link in s.execute(
        select(ArchiveJob.url, ArchiveJob.archive_link)
        .where(ArchiveJob.url.in_(urls), ArchiveJob.status == "success")
        .order_by(ArchiveJob.id)
    ):
        links[url] = link or links.get(url, "")
    rows = {r.capture_id: r for r in s.scalars(select(ReportRow).where(ReportRow.capture_id.in_(capture_ids)))}
    markdown = render_page(store.to_page(s, stub))  # exactly what `stubs export --format md` writes
    ref_views = [
        RefView(
            url=r.url,
            href=safe_href(r.url),
            title=r.title,
            pub_date=r.pub_date,
            authors=r.authors,
            org=r.org,
            archive=links.get(r.url) or "pending",
            archive_href=safe_href(links.get(r.url)),
            capture_id=r.capture_id,
            merge_reason=r.merge_reason,
            part=r.part,
            primary=r.is_primary,
            counts=r.counts or {},
            differs=sorted(k for k, n in (r.counts or {}).items() if k in (stub.counts or {}) and stub.counts[k] != n),
        )
        for r in refs
    ]
    reports = []
    for r in refs:
        row = rows.get(r.capture_id) if r.capture_id is not None else None
        if row is None:
            continue
        report = Report.from_dict(row.data)
        evidence = _evidence(report)
        segments, found = highlight(report.text, [e.sentence for e in evidence])
        for e in evidence:
            e.found = e.index in found
        reports.append(ReportView(report.url, report.title or report.url, r.capture_id, segments, evidence))
    history = store.changes(s, stub)
    edits = [
        EditView(e.field, e.value, e.extracted, e.latest, e.at, e.report_changed_at)
        for e in s.scalars(select(StubEdit).where(StubEdit.stub_pk == stub.id).order_by(StubEdit.id))
    ]
    last_edit = max((e.at for e in edits), default=None)
    changed = any(e.report_changed_at for e in edits) or (
        last_edit is not None and any(c.kind == "updated" and c.at > last_edit for c in history)
    )
    merged_here = [
        (sid, name)
        for sid, name in s.execute(
            select(Stub.stub_id, Stub.name).where(Stub.merged_into == stub.stub_id).order_by(Stub.id)
        )
    ]
    return StubView(
        stub=stub,
        page_markdown=markdown,
        page_html=markdown_html(markdown),
        references=ref_views,
        reports=reports,
        history=history,
        edits=edits,
        changed_since_edit=changed,
        merged_here=merged_here,
        techniques=_techniques(s, stub),
        next_id=neighbour(s, stub.id, "new", older=True),
        prev_id=neighbour(s, stub.id, "new", older=False),
    )
