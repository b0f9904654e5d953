"""Stored captures as they were fetched, read back from the WARC (never the live site)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.tables import Capture, ReportRow, StubReference, WaczFile
from archive.wacz import write_capture_wacz
from scraper.config import Config
from scraper.errors import UserError
from scraper.pipeline import capture_content


@dataclass
class CaptureInfo:
    capture: Capture
    wacz: WaczFile | None
    stub_pks: list[int]


def load_capture(s: Session, capture_id: int) -> CaptureInfo:
    capture = s.get(Capture, capture_id)
    if capture is None:
        raise UserError(f"no capture {capture_id}: see `takedowns captures`")
    wacz = s.scalar(select(WaczFile).where(WaczFile.capture_id == capture_id))
    stubs = list(s.scalars(select(StubReference.stub_pk).where(StubReference.capture_id == capture_id)))
    return CaptureInfo(capture, wacz, stubs)


def replay_body(config: Config, capture: Capture) -> tuple[bytes, str]:
    """The decoded payload (digest-checked against the catalogue) and its media type."""
    media = (capture.content_type or "application/octet-stream").split(";")[0].strip().lower()
    body = capture_content(config, capture)
    if media in ("text/html", "application/xhtml+xml", "text/plain", "text/markdown"):
        charset = next((p.split("=", 1)[1].strip() for p in capture.content_type.split(";")[1:] if p.strip().lower().startswith("charset=")), "")
        return body, f"{media}; charset={charset}" if charset else media
    return body, media


def wacz_file(config: Config, catalogue: Catalogue, capture: Capture) -> Path:
    """The capture's WACZ, built now if the catalogue has none (the same file `archive export` gives)."""
    with catalogue.session() as s:
        row = s.scalar(select(WaczFile).where(WaczFile.capture_id == capture.id))
        report = s.scalar(select(ReportRow.data).where(ReportRow.capture_id == capture.id))
    if row is not None and (config.data_dir / row.path).is_file():
        return config.data_dir / row.path
    return write_capture_wacz(config.data_dir, catalogue, capture, report)
