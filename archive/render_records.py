"""WARC records of a browser capture, written as one block and read back.

The block is: the document's response and request records, then those of each
redirect hop that led to it (as a plain capture's hops, so replay resolves the URL
asked for), then every subresource's response and request, then three records
about the page:

* `resource`  `urn:screenshot:<url>`  image/png, the full-page screenshot;
* `resource`  `urn:dom:<url>`         text/html, the DOM serialised after scripts ran;
* `metadata`  `urn:pageinfo:<url>`    application/json, final URL, status, title, load time.

Every record of the block carries the same `WARC-Page-ID` header (as Browsertrix
Crawler does), which is how a reader finds where the block of a capture ends.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from .objectstore import open_warc
from .records import FetchResult
from .warc import StoredRecord, _warc_date, _write_exchange, payload_sha256, reading, write_hops
from .warcscan import HOP_HEADER, PAGE_ID


@dataclass(frozen=True)
class RenderedRecords:
    """What the WARC needs of a rendered page (built by scraper.fetch.browser)."""

    document: FetchResult
    subresources: list[FetchResult]
    screenshot: bytes
    dom: bytes
    page_info: dict[str, Any]


def _pair(writer: WARCWriter, result: FetchResult, page_id: str, document: bool = False) -> str:
    """The exchange's response and request records (`archive.warc`'s, so framing is stored as for a plain capture);
    the document's response also carries its exact fetch time, for `archive reindex`."""
    record_id, _ = _write_exchange(
        writer,
        result.final_url,
        result.status,
        result.http_version,
        result.response_headers,
        result.body,
        result.request_method,
        result.request_headers,
        _warc_date(result.fetched_at),
        {PAGE_ID: page_id},
        result.fetched_at if document else None,
    )
    return record_id


def build_rendered_block(records: RenderedRecords, rel_path: str) -> tuple[bytes, StoredRecord]:
    """Serialise the whole block; the StoredRecord describes the document's response (offset 0)."""
    page_id = str(uuid.uuid4())
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    doc = records.document
    record_id = _pair(writer, doc, page_id, document=True)
    write_hops(writer, doc, {HOP_HEADER: record_id, PAGE_ID: page_id})
    for sub in records.subresources:
        _pair(writer, sub, page_id)
    warc_date = _warc_date(doc.fetched_at)
    url = doc.final_url
    info = json.dumps(records.page_info, ensure_ascii=False).encode()
    for uri, kind, ctype, payload in (
        (f"urn:screenshot:{url}", "resource", "image/png", records.screenshot),
        (f"urn:dom:{url}", "resource", "text/html; charset=utf-8", records.dom),
        (f"urn:pageinfo:{url}", "metadata", "application/json", info),
    ):
        record = writer.create_warc_record(
            uri,
            kind,
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type=ctype,
            warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id, PAGE_ID: page_id},
        )
        writer.write_record(record)
    block = buf.getvalue()
    length = _first_record_length(block)
    stored = StoredRecord(rel_path, 0, length, record_id, warc_date, payload_sha256(doc.body))
    return block, stored


def _first_record_length(block: bytes) -> int:
    iterator = ArchiveIterator(io.BytesIO(block))
    record = next(iter(iterator))
    iterator.read_to_end(record)
    return int(iterator.get_record_offset() + iterator.get_record_length())


def block_records(warc_path: Path | str, offset: int, hops: int = 0) -> Iterator[tuple[Any, int, int, bytes]]:
    """(record, offset relative to `offset`, length, payload) of the records from `offset` on that
    belong to the same capture.

    A plain capture is its response and request, then `hops` redirect hops (a 3xx
    response and its request each, marked with HOP_HEADER), and nothing past them is
    read: the bytes after a block may be another process's append in progress. A
    rendered capture runs as long as `WARC-Page-ID` is the same.
    """
    plain_records = 2 + 2 * hops
    with reading(warc_path, offset), open_warc(warc_path) as f:
        f.seek(offset)
        iterator = ArchiveIterator(f)
        page_id = record_id = None
        records = iter(iterator)
        for count in itertools.count():
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception:
                if count == 0:
                    raise
                return  # past a block: a torn or in-progress append of another process
            this_id = record.rec_headers.get_header(PAGE_ID)
            if count == 0:
                page_id, record_id = this_id, record.rec_headers.get_header("WARC-Record-ID")
            elif page_id is None and count == 1 and record.rec_type != "request":
                return
            elif page_id is None and count > 1 and record.rec_headers.get_header(HOP_HEADER) != record_id:
                return  # a capture stored before hops were written, or fewer hops than the catalogue says
            elif page_id is not None and this_id != page_id:
                return
            payload = record.content_stream().read() if record.rec_type in ("resource", "metadata") else b""
            iterator.read_to_end(record)
            # warcio counts offsets from the file's start (it asks the file where it is)
            yield record, iterator.get_record_offset() - offset, iterator.get_record_length(), payload
            if page_id is None and count + 1 == plain_records:
                return


def rendered_parts(warc_path: Path | str, offset: int) -> dict[str, bytes]:
    """The screenshot, DOM and page info of a rendered capture by kind ("screenshot", "dom",
    "pageinfo"); {} for a plain one."""
    parts: dict[str, bytes] = {}
    for record, _, _, payload in block_records(warc_path, offset):
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        for kind in ("screenshot", "dom", "pageinfo"):
            if uri.startswith(f"urn:{kind}:"):
                parts[kind] = payload
    return parts


def is_rendered(warc_path: Path | str, offset: int) -> bool:
    with reading(warc_path, offset), open_warc(warc_path) as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)), None)
        return record is not None and record.rec_headers.get_header(PAGE_ID) is not None
