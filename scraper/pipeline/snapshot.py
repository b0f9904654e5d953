"""Snapshot stage: a fetched response is refused or written to a WARC and catalogued; its URL's
previous capture gives the validators of a conditional GET."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.errors import UnreadableRecord
from archive.objectstore import locate
from archive.records import FetchResult
from archive.render_records import RenderedRecords, build_rendered_block, is_rendered
from archive.tables import Capture, ReportRow
from archive.warc import StoredRecord, WarcStore, payload_sha256
from scraper.config import Config
from scraper.errors import FetchError
from scraper.extract.report import Report
from scraper.fetch.browser import Rendered
from scraper.fetch.sniff import document_kind
from scraper.stagetimes import in_thread

from .outcome import CaptureOutcome, stage


async def store_here(
    config: Config, catalogue: Catalogue, store: WarcStore | None, result: FetchResult, rendered: Rendered | None = None
) -> CaptureOutcome:
    """Store the exchange from this process, in a thread: gzip, the flock wait and the fsync leave the event
    loop free to fetch and match other items. A cancelled item's thread still finishes its append and commit."""
    with stage("store"):
        store = store or WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
        capture, is_new = await in_thread("store (WARC + catalogue)", store_capture, store, catalogue, result, rendered)
    return CaptureOutcome(capture=capture, is_new=is_new, unchanged=not is_new)


def check_storable(result: FetchResult) -> None:
    """Refuse before storing anything that is an error, empty, or no readable document."""
    url = result.requested_url
    if result.status >= 400 or result.not_modified:
        raise FetchError(
            f"{result.final_url} answered HTTP {result.status}",
            url=url,
            reason=f"http_{result.status}",
            status=result.status,
        )
    if result.status >= 300:
        raise FetchError(
            f"{result.final_url} answered HTTP {result.status} without a usable Location",
            url=url,
            reason="bad_redirect",
            status=result.status,
        )
    if result.is_blank():
        raise FetchError(
            f"{result.final_url} returned an empty body", url=url, reason="empty_body", status=result.status
        )
    if document_kind(result.content_type, result.content) is None:
        raise FetchError(
            f"{result.final_url} is {result.content_type or 'an unknown type'}, not an HTML, PDF or text report",
            url=url,
            reason="unsupported_type",
            status=result.status,
        )


def store_capture(
    store: WarcStore,
    catalogue: Catalogue,
    result: FetchResult,
    rendered: Rendered | None = None,
    block: tuple[bytes, StoredRecord] | None = None,
    report: Report | None = None,
) -> tuple[Capture, bool]:
    """Write the exchange to WARC and catalogue it; an identical payload is a catalogue hit.

    A rendered page is written as one block (document, subresources, screenshot, DOM, page
    info). Plain and rendered captures are separate rows, each a hit only for its own kind: a
    URL fetched both ways keeps and lists both, and each has its own report.
    `block`: the exchange's records built already (`build_exchange`, by a worker). `report`: its
    Report, catalogued with a new capture in the same transaction (a hit keeps its stored one).
    """
    digest = payload_sha256(result.body)
    is_browser = rendered is not None

    def existing(s: Session) -> Capture | None:
        capture = _find_kind(store, catalogue, s, result.requested_url, digest, is_browser)
        if capture is not None:
            capture.last_seen_at = utcnow()
            capture.seen_count += 1
            _update_validators(capture, result)
        return capture

    def add(s: Session, stored: StoredRecord) -> Capture:
        capture = Capture(
            url=result.requested_url, payload_sha256=stored.payload_sha256, seen_count=0, rendered=is_browser
        )
        s.add(capture)
        capture.final_url = result.final_url
        capture.fetched_at = result.fetched_at.replace(tzinfo=None)
        capture.status = result.status
        capture.content_type = result.content_type
        capture.payload_length = len(result.body)
        capture.warc_path, capture.warc_offset, capture.warc_length = stored.path, stored.offset, stored.length
        capture.warc_record_id, capture.warc_date = stored.record_id, stored.warc_date
        capture.redirects = [r.summary() for r in result.redirects]
        capture.last_seen_at = utcnow()
        capture.seen_count = (capture.seen_count or 0) + 1
        _update_validators(capture, result)
        if report is not None:
            s.flush()  # the capture's id, which the report names
            report.capture_id = capture.id
            s.add(
                ReportRow(
                    capture_id=capture.id,
                    url=capture.url,
                    extractor_version=report.extractor_version,
                    extracted_at=utcnow(),
                    data=report.to_dict(),
                )
            )
        return capture

    build: Callable[[str], tuple[bytes, StoredRecord]] | None = None
    if rendered is not None:
        records = RenderedRecords(
            result, rendered.subresources, rendered.screenshot, rendered.dom.encode("utf-8"), rendered.page_info()
        )
        build = partial(build_rendered_block, records)
    elif block is not None:
        build = partial(_built, block)
    return store.write_exchange(result, existing, add, build)


def _built(block: tuple[bytes, StoredRecord], _rel_path: str) -> tuple[bytes, StoredRecord]:
    return block


def _find_kind(
    store: WarcStore, catalogue: Catalogue, s: Session, url: str, digest: str, rendered: bool
) -> Capture | None:
    """The capture of this kind, correcting a row stored before captures had a kind (migration 0011) from its WARC
    block."""
    capture = catalogue.find_capture(s, url, digest, rendered)
    if capture is None and rendered:
        legacy = catalogue.find_capture(s, url, digest, False)
        if legacy is not None and is_rendered(locate(store.data_dir, legacy.warc_path), legacy.warc_offset):
            legacy.rendered = True
            return legacy
    if capture is not None and not rendered and _legacy_rendered(store, capture):
        capture.rendered = True  # a browser capture listed as plain: not a hit for a plain fetch
        s.flush()
        return None
    return capture


def _legacy_rendered(store: WarcStore, capture: Capture) -> bool:
    """Whether a capture listed as plain is a browser capture (rows older than migration 0011). A queue worker
    may find a capture in another worker's file not uploaded yet (unreadable here): such a capture was made
    after 0011, so its kind is right as catalogued."""
    try:
        return is_rendered(locate(store.data_dir, capture.warc_path), capture.warc_offset)
    except UnreadableRecord:
        return False


def _update_validators(capture: Capture, result: FetchResult) -> None:
    capture.etag = result.header("etag")
    capture.last_modified = result.header("last-modified")


@dataclass(frozen=True)
class Previous:
    """What a fetch needs of the newest capture of its URL: which one, and its validators."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None


def previous_capture(catalogue: Catalogue, url: str, *, rendered: bool) -> Previous | None:
    """`Catalogue.latest_capture`'s row, read on the driver alone: it runs in the event loop for every
    item, where the ORM session and entity it took cost about 5 ms of the GIL a page (bench/pipeline.py)."""
    with catalogue.reader() as reader:
        rows = reader.rows(
            "SELECT id, url, etag, last_modified FROM captures WHERE (url = ? OR final_url = ?) AND rendered = ?"
            " ORDER BY fetched_at DESC, id DESC LIMIT 1",
            (url, url, rendered),
        )
    return Previous(*rows[0]) if rows else None
