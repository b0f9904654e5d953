"""Rebuild the catalogue's `warc_files` and `captures` rows from the WARC files (`takedowns archive reindex`).

The WARCs are the preservation master; the catalogue is an index of them that can be
lost (an emptied SQLite file, a new PostgreSQL database). Reindexing reads every WARC in
`<data>/warc/` and in quarantine, brings back into `warc/` each quarantined file that holds
captures the catalogue lacks, and adds a row for every capture no row points at, in file
and offset order: into an empty catalogue that gives the rows the writer gave, ids
included. It is idempotent: a capture whose location (file, offset) is catalogued, or
whose content (URL, payload digest, kind) is catalogued elsewhere, is left alone. Reports
are not in the WARCs; the CLI re-extracts them for the captures added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import quarantine
from .catalogue import Catalogue
from .tables import Capture, WarcFile
from .warc import WarcStore
from .warcscan import FoundCapture, Scan, scan_warc


@dataclass
class ReindexReport:
    files: int = 0  # WARC files read
    files_added: list[str] = field(default_factory=list)  # warc_files rows created
    files_extended: list[str] = field(default_factory=list)  # committed sizes raised to cover whole records
    captures_added: list[int] = field(default_factory=list)  # ids of the captures rows created
    already: int = 0  # captures found whose row was there
    copies: int = 0  # captures whose content is catalogued at another place (a second copy of the same capture)
    brought_back: list[str] = field(default_factory=list)  # quarantined files moved back into warc/
    left_in_quarantine: list[str] = field(default_factory=list)  # "<path>: <why>"
    problems: list[str] = field(default_factory=list)  # "<path>: <where reading stopped and why>"


def _key(c: Capture | FoundCapture) -> tuple[str, str, bool]:
    return c.url, c.payload_sha256, bool(c.rendered)


@dataclass
class _Known:
    places: set[tuple[str, int]]
    contents: set[tuple[str, str, bool]]

    @classmethod
    def load(cls, s: Session) -> _Known:
        rows = s.execute(
            select(Capture.warc_path, Capture.warc_offset, Capture.url, Capture.payload_sha256, Capture.rendered)
        ).all()
        return cls({(p, o) for p, o, *_ in rows}, {(u, d, bool(r)) for *_, u, d, r in rows})

    def lacks(self, c: FoundCapture, rel: str | None = None) -> bool:
        return (rel or c.warc_path, c.warc_offset) not in self.places and _key(c) not in self.contents


def reindex(data_dir: Path, catalogue: Catalogue, max_file_bytes: int) -> ReindexReport:
    """Catalogue every capture the WARC files hold that no row describes; return what was done."""
    report = ReindexReport()
    store = WarcStore(data_dir, catalogue, max_file_bytes)
    with store.locked():  # no writer appends or commits meanwhile; start-up recovery waits too
        with catalogue.read_session() as s:
            known = _Known.load(s)
        for path in quarantine.quarantined(data_dir):
            _consider_quarantined(data_dir, path, known, report)
        for path in sorted(store.warc_dir.glob("*.warc.gz")):
            _index_file(data_dir, catalogue, path, known, report)
    return report


def _consider_quarantined(data_dir: Path, path: Path, known: _Known, report: ReindexReport) -> None:
    rel_here = path.relative_to(data_dir).as_posix()
    scan = scan_warc(path, f"warc/{path.name}")
    if scan.error and scan.end == 0:
        report.left_in_quarantine.append(f"{rel_here}: holds no readable record ({scan.error})")
        return
    if not any(known.lacks(c) for c in scan.captures):
        report.left_in_quarantine.append(
            f"{rel_here}: holds no capture the catalogue lacks ({len(scan.captures)} capture(s) read)"
        )
        return
    target = quarantine.bring_back(data_dir, path)
    if target is None:
        report.left_in_quarantine.append(
            f"{rel_here}: warc/{path.name} exists already; rename this file and run reindex again"
        )
        return
    report.brought_back.append(target.relative_to(data_dir).as_posix())


def _created(scan: Scan, path: Path) -> datetime:
    return scan.created or datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _index_file(data_dir: Path, catalogue: Catalogue, path: Path, known: _Known, report: ReindexReport) -> None:
    rel = path.relative_to(data_dir).as_posix()
    scan = scan_warc(path, rel)
    report.files += 1
    if scan.error:
        report.problems.append(f"{rel}: {scan.error}; whole records after that point are not indexed")
    with catalogue.session() as s:
        row = s.scalar(select(WarcFile).where(WarcFile.path == rel))
        if row is None:
            if scan.end == 0:
                return  # nothing whole in it: not a file the store could append to
            s.add(WarcFile(path=rel, committed_size=scan.end, created_at=_created(scan, path)))
            report.files_added.append(rel)
        elif scan.end > row.committed_size:
            row.committed_size = scan.end  # whole records past it (their rows were lost): accounted for now
            report.files_extended.append(rel)
        for found in scan.captures:
            if (rel, found.warc_offset) in known.places:
                report.already += 1
            elif _key(found) in known.contents:
                report.copies += 1
            else:
                capture = _row(found)
                s.add(capture)
                s.flush()
                report.captures_added.append(capture.id)
                known.places.add((rel, found.warc_offset))
                known.contents.add(_key(found))


def _row(found: FoundCapture) -> Capture:
    return Capture(
        url=found.url,
        final_url=found.final_url,
        fetched_at=found.fetched_at,
        status=found.status,
        content_type=found.content_type,
        payload_sha256=found.payload_sha256,
        payload_length=found.payload_length,
        warc_path=found.warc_path,
        warc_offset=found.warc_offset,
        warc_length=found.warc_length,
        warc_record_id=found.warc_record_id,
        warc_date=found.warc_date,
        redirects=found.redirects,
        etag=found.etag,
        last_modified=found.last_modified,
        last_seen_at=found.fetched_at,
        seen_count=1,
        rendered=found.rendered,
    )
