"""A stub as plain data for the STIX and MISP writers (read once from the catalogue)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.tables import ReportRow, Stub
from scraper.extract.report import Report
from scraper.stubs import store
from scraper.techniques.store import of_stub

# Namespace of every deterministic id this tool mints (UUIDv5 of a stable key).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/DISARMFoundation/takedown-archiver")


def stable_uuid(*key: str) -> str:
    """The same key always gives the same id, so a re-export mints no new objects."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(key)))


@dataclass
class RefRecord:
    url: str
    title: str
    pub_date: str  # YYYY/MM/DD or ""
    authors: str
    org: str
    archive: str  # web.archive.org link or "pending"


@dataclass
class TechniqueRecord:
    id: str
    name: str
    sentences: list[str]


@dataclass
class StubRecord:
    stub_id: str
    disarm_id: str | None
    name: str
    summary: str
    status: str
    platform: str | None
    origin: list[str]
    targets: list[str]
    counts: dict[str, int]
    evidence: list[str]  # the sentences the counts came from
    created_at: datetime
    updated_at: datetime
    references: list[RefRecord] = field(default_factory=list)
    techniques: list[TechniqueRecord] = field(default_factory=list)  # accepted only


def _evidence(s: Session, stub: Stub) -> list[str]:
    out: list[str] = []
    for ref in store.references(s, stub):
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == ref.capture_id)) if ref.capture_id else None
        if row is None:
            continue
        report = Report.from_dict(row.data)
        for sentence in [e for n in report.networks for e in n.evidence] + list(report.totals_evidence):
            if sentence not in out:
                out.append(sentence)
    return out


def stub_record(s: Session, stub: Stub) -> StubRecord:
    return StubRecord(
        stub_id=stub.stub_id,
        disarm_id=stub.disarm_id,
        name=stub.name,
        summary=stub.summary,
        status=stub.status,
        platform=stub.platform,
        origin=list(stub.origin or []),
        targets=list(stub.targets or []),
        counts=dict(stub.counts or {}),
        evidence=_evidence(s, stub),
        created_at=stub.created_at,
        updated_at=stub.updated_at,
        references=[
            RefRecord(r.url, r.title, r.pub_date, r.authors, r.org, store.archive_link_for(s, r.url))
            for r in store.references(s, stub)
        ],
        techniques=[TechniqueRecord(t.technique_id, t.name, list(t.sentences)) for t in of_stub(s, stub, "accepted")],
    )
