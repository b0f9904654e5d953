"""Read the captures a WARC file holds, as the catalogue would describe them (for `archive reindex` and `verify`).

The writer (archive/warc.py, archive/render_records.py) lays a capture down as one block:

* plain: the final response and its request, then each redirect hop (a 3xx response and
  its request, marked `WARC-Takedowns-Redirect-Of: <final record id>`), in the order the
  hops were followed, so the first hop's URL is the URL that was asked for;
* rendered: every record carries the same `WARC-Page-ID`; the first is the document's
  response, its redirect hops follow as a plain capture's do, and the `urn:pageinfo:`
  metadata record names the URL asked for.

Everything a `captures` row holds can be read back from that block except how often an
unchanged refetch saw it again (`seen_count`, `last_seen_at`), which a reindex sets to
one sighting at `fetched_at`. `fetched_at` itself is the response's
`WARC-Takedowns-Fetched-At` (microseconds, written since issue 26), else its WARC-Date.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator

FETCHED_AT_HEADER = "WARC-Takedowns-Fetched-At"
HOP_HEADER = "WARC-Takedowns-Redirect-Of"  # archive/warc.py writes it on each hop record
PAGE_ID = "WARC-Page-ID"  # archive/render_records.py writes it on each record of a rendered block


def fetched_at_value(when: datetime) -> str:
    """The `WARC-Takedowns-Fetched-At` value: UTC with microseconds (WARC-Date keeps whole seconds)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FoundCapture:
    """One capture read from a WARC: the fields of a `captures` row (archive/tables.py Capture)."""

    url: str
    final_url: str
    fetched_at: datetime  # naive UTC, as the catalogue stores it
    status: int
    content_type: str
    payload_sha256: str
    payload_length: int
    warc_path: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    warc_date: str
    redirects: list[dict[str, Any]] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    rendered: bool = False
    page_id: str | None = None


@dataclass
class Scan:
    """What a read of a WARC found: its captures, where its last whole record ends, and why reading stopped early."""

    captures: list[FoundCapture] = field(default_factory=list)
    end: int = 0  # the byte after the last whole record read
    records: int = 0  # whole records read (warcinfo included)
    created: datetime | None = None  # the warcinfo record's date, naive UTC
    error: str | None = None  # set when a record could not be read: everything from `end` on was not read


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        return None


def _sha256(stream: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _response_capture(record: Any, rel: str, offset: int) -> FoundCapture:
    headers, http = record.rec_headers, record.http_headers
    digest, size = _sha256(record.raw_stream)
    uri = headers.get_header("WARC-Target-URI")
    warc_date = headers.get_header("WARC-Date")
    when = _date(headers.get_header(FETCHED_AT_HEADER)) or _date(warc_date) or datetime(1970, 1, 1)
    content_type = (http.get_header("content-type") or "").split(";")[0].strip().lower()
    return FoundCapture(
        url=uri,
        final_url=uri,
        fetched_at=when,
        status=int(http.get_statuscode()),
        content_type=content_type,
        payload_sha256=digest,
        payload_length=size,
        warc_path=rel,
        warc_offset=offset,
        warc_length=0,
        warc_record_id=headers.get_header("WARC-Record-ID"),
        warc_date=warc_date,
        etag=http.get_header("etag"),
        last_modified=http.get_header("last-modified"),
        rendered=headers.get_header(PAGE_ID) is not None,
        page_id=headers.get_header(PAGE_ID),
    )


def scan_warc(path: Path, rel: str, start: int = 0, end: int | None = None) -> Scan:
    """Every capture whose response record starts in bytes `start`..`end` of `path` (`rel`: its path in the catalogue).

    Reading stops at the first record that cannot be read (a torn tail, damage): `Scan.end`
    is where the whole records end and `Scan.error` says why it stopped.
    """
    scan = Scan(end=start)
    current: FoundCapture | None = None
    hops: list[tuple[str, int, str]] = []

    def finish() -> None:
        if current is not None:
            if hops:  # a rendered page's hops are written as a plain capture's (issue 26 item 4)
                current.url = hops[0][0] if not current.rendered else current.url
                current.redirects = [{"url": u, "status": s, "location": loc} for u, s, loc in hops]
            scan.captures.append(current)

    try:
        with open(path, "rb") as f:
            f.seek(start)
            iterator = ArchiveIterator(f)
            for record in iterator:
                headers = record.rec_headers
                kind, page_id = record.rec_type, headers.get_header(PAGE_ID)
                started = iterator.offset  # where this record's gzip member begins in the file
                if end is not None and started >= end:
                    break
                found: FoundCapture | None = None
                if kind == "warcinfo" and scan.created is None:
                    scan.created = _date(headers.get_header("WARC-Date"))
                elif kind == "response" and record.http_headers is not None:
                    hop_of = headers.get_header(HOP_HEADER)
                    if hop_of is not None:
                        if current is not None and hop_of == current.warc_record_id:
                            location = record.http_headers.get_header("location") or ""
                            uri = headers.get_header("WARC-Target-URI")
                            hops.append((uri, int(record.http_headers.get_statuscode()), urljoin(uri, location)))
                    elif page_id is None or current is None or page_id != current.page_id:
                        found = _response_capture(record, rel, started)
                elif kind == "metadata" and current is not None and page_id is not None and page_id == current.page_id:
                    uri = headers.get_header("WARC-Target-URI") or ""
                    if uri.startswith("urn:pageinfo:"):
                        with contextlib.suppress(ValueError, UnicodeDecodeError):
                            info = json.loads(record.content_stream().read().decode("utf-8"))
                            current.url = str(info.get("url") or current.url)
                            current.final_url = str(info.get("final_url") or current.final_url)
                iterator.read_to_end(record)
                if found is not None:
                    finish()
                    current, hops = found, []
                    current.warc_length = iterator.get_record_length()
                scan.records += 1
                scan.end = iterator.get_record_offset() + iterator.get_record_length()
    except FileNotFoundError:
        scan.error = "the file is missing"
    except Exception as exc:  # zlib, EOF, "Unknown archive format" and the like: where whole records end is the finding
        scan.error = f"unreadable from byte {scan.end}: {exc.__class__.__name__}: {_first_line(exc)}"
    finish()
    return scan


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else "no detail"
