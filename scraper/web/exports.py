"""Downloads: the very files `takedowns stubs export` writes, produced by the same code,
for the stubs the queue's filters list (or, without filters, those `stubs export` picks)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.errors import UserError
from scraper.export.intel import write_intel
from scraper.export.records import stub_record
from scraper.stubs import store
from scraper.stubs.sheets import TECHNIQUE_COLUMNS, export
from scraper.stubs.technique_rows import sheet_rows

from .queue import QueueFilter, matching_ids


@dataclass(frozen=True)
class Download:
    fmt: str  # export format: md, csv, xlsx, stix, misp
    picked: str | None  # the one file served, else every file written, zipped
    media: str


CSV = "text/csv; charset=utf-8"
DOWNLOADS = {
    "stubs-md.zip": Download("md", None, "application/zip"),
    "incidents.csv": Download("csv", "incidents.csv", CSV),
    "urls.csv": Download("csv", "urls.csv", CSV),
    "incidenttechniques.csv": Download("csv", "incidenttechniques.csv", CSV),
    "stubs.xlsx": Download("xlsx", "stubs.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "stubs-stix.json": Download("stix", "stubs.stix.json", "application/json"),
    "stubs-misp.zip": Download("misp", None, "application/zip"),
}
SINCE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")


def parse_since(value: str) -> datetime | None:
    """`since` as `stubs export --since` takes it (UTC), or None when empty."""
    value = value.strip()
    if not value:
        return None
    for fmt in SINCE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise UserError(f"since {value[:40]!r} is not a time: give YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)")


def export_download(
    config: Config, catalogue: Catalogue, name: str, f: QueueFilter | None = None, since: datetime | None = None
) -> tuple[bytes, str]:
    """Bytes and media type of one download; with a filter, the stubs it lists on every page,
    else those `stubs export` picks (new and accepted)."""
    d = DOWNLOADS[name]
    with catalogue.session() as s:
        if f is not None:
            listing = store.load_listing(s, None, notes=True, changed_since=since, within=matching_ids(s, f))
        else:
            listing = store.load_listing(
                s, ("new", "accepted"), notes=True, changed_since=since
            )  # a few queries, not a few per stub
        blanks = any(not st.year_started for st in listing.stubs)
        pages = [(store.to_page(s, st, listing, years_have_blanks=blanks), listing.notes(st)) for st in listing.stubs]
        techniques = [
            row for st in listing.stubs for row in sheet_rows(st.disarm_id or st.stub_id, listing.techniques(st))
        ]
        records = [stub_record(s, st) for st in listing.stubs] if d.fmt in ("stix", "misp") else []
    with tempfile.TemporaryDirectory(prefix="takedowns-export-") as tmp:
        out = Path(tmp)
        if d.fmt in ("stix", "misp"):
            written = write_intel(d.fmt, records, out, True, config)
        else:
            written = export(pages, d.fmt, out, techniques)
        if d.picked is not None:
            path = out / d.picked
            if not path.exists() and d.picked == "incidenttechniques.csv":  # no accepted technique: the header alone
                return (",".join(TECHNIQUE_COLUMNS) + "\r\n").encode(), d.media
            if not path.exists():  # e.g. a STIX bundle of no stubs
                raise UserError("no stub matches these filters: nothing to export")
            return path.read_bytes(), d.media
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in written:
                zf.write(path, path.name)
        return buffer.getvalue(), d.media
