"""Stored captures as they were fetched, read back from the WARC (never the live site)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.tables import Capture, ReportRow, Stub, StubReference
from archive.wacz import temporary_wacz
from scraper.config import Config
from scraper.errors import UserError
from scraper.pipeline.readback import capture_content


@dataclass
class CaptureInfo:
    capture: Capture
    stub_pks: list[int]
    stubs: list[tuple[str, str, str]] = field(default_factory=list)  # (stub id, status, name) of the stubs citing it


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL store: a larger number names no capture (not a server error)


def load_capture(s: Session, capture_id: str) -> CaptureInfo:
    """The capture a desk path names (`capture_id` as written in it: digits, of any length)."""
    if not capture_id.isdigit() or len(capture_id) > len(str(MAX_ID)) or int(capture_id) > MAX_ID:
        raise UserError(f"no capture {capture_id[:40]}: see `takedowns captures`")
    capture = s.get(Capture, int(capture_id))
    if capture is None:
        raise UserError(f"no capture {capture_id}: see `takedowns captures`")
    citing = s.execute(
        select(Stub.id, Stub.stub_id, Stub.status, Stub.name)
        .join(StubReference, StubReference.stub_pk == Stub.id)
        .where(StubReference.capture_id == capture.id)
        .order_by(Stub.id)
    ).all()
    return CaptureInfo(capture, [pk for pk, *_ in citing], [(sid, status, name) for _, sid, status, name in citing])


def replay_body(config: Config, capture: Capture) -> tuple[bytes, str]:
    """The decoded payload (digest-checked against the catalogue) and its media type."""
    media = (capture.content_type or "application/octet-stream").split(";")[0].strip().lower()
    body = capture_content(config, capture)
    if media in ("text/html", "application/xhtml+xml", "text/plain", "text/markdown"):
        charset = next(
            (
                p.split("=", 1)[1].strip()
                for p in capture.content_type.split(";")[1:]
                if p.strip().lower().startswith("charset=")
            ),
            "",
        )
        return body, f"{media}; charset={charset}" if charset else media
    return body, media


def wacz_bytes(config: Config, catalogue: Catalogue, capture: Capture) -> bytes:
    """The capture's WACZ, built from the WARC now: the same bytes `archive export` writes."""
    with catalogue.session() as s:
        report = s.scalar(select(ReportRow.data).where(ReportRow.capture_id == capture.id))
    with temporary_wacz(config.data_dir, capture, report) as path:
        return path.read_bytes()
