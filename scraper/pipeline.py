"""One URL through the pipeline: fetch -> WARC -> catalogue -> extract.

Each step is a function that can be re-run alone; extraction reads the stored
capture back from the WARC, never the network, so any report can be
re-extracted later when the extractor improves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive import objectstore
from archive.catalogue import Catalogue, utcnow
from archive.decode import decode_body
from archive.errors import UnreadableRecord
from archive.objectstore import is_object, locate
from archive.records import FetchResult
from archive.render_records import RenderedRecords, build_rendered_block, is_rendered, rendered_parts
from archive.tables import Capture, DiscoveredItem, ReportRow
from archive.warc import (
    ResponseRecord,
    StoredRecord,
    WarcStore,
    block_response,
    build_exchange,
    payload_sha256,
    read_response,
)
from archive.wayback import WaybackClient
from scraper.config import Config, section_settings, storage_settings, wayback_settings
from scraper.errors import ExtractLimitError, FetchError, UserError
from scraper.extract import ExtractError, extract_report
from scraper.extract.pdf_worker import (
    PdfLimitError,
    PdfLimits,
    PdfText,
    PdfWorkerError,
    read_pdf_text_async,
)
from scraper.extract.pool import ExtractSettings, extract_bounded, extract_bounded_sync, extractor, run_bounded
from scraper.extract.report import Report
from scraper.fetch.browser import BrowserPool, Rendered, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient, check_url
from scraper.fetch.sniff import SNIFF_BYTES, document_kind
from scraper.stagetimes import TIMES, Step, in_thread, timed
from scraper.stubs import StubOutcome, update_stubs_for_report

log = logging.getLogger("takedowns.pipeline")


STAGES = ("fetch", "store", "extract", "archive", "stub")


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Label an exception escaping this block with the pipeline stage it came from.

    A poll records a failed item with its stage (`takedowns failures`); the
    exception itself is re-raised unchanged, so callers and exit codes see no difference.
    """
    try:
        yield
    except Exception as exc:
        if not hasattr(exc, "pipeline_stage"):
            exc.pipeline_stage = name  # type: ignore[attr-defined]
        raise


def failed_stage(exc: BaseException) -> str:
    """The stage an exception from `capture_url` was raised in ("catalogue" when outside any)."""
    return getattr(exc, "pipeline_stage", "catalogue")


@dataclass
class CaptureOutcome:
    capture: Capture
    is_new: bool  # new bytes were written to a WARC
    unchanged: bool  # the server said 304, or the payload digest matched a stored capture
    report: Report | None = None
    report_error: str | None = None
    archive_status: str | None = None  # success | pending | error | disabled
    archive_link: str | None = None
    archive_detail: str = ""
    stub: StubOutcome | None = None
    over_limits: ExtractLimitError | None = (
        None  # extraction stopped at its limits: the item fails, to be tried again later
    )


async def capture_url(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    url: str,
    *,
    respect_robots: bool = True,
    store: WarcStore | None = None,
    archive_wait: float | None = 0.0,
    source_name: str | None = None,
    record_as: str | None = None,
    source_org: str | None = None,
    browser: BrowserPool | None = None,
    forced: bool = False,
    extract_workers: int = 0,
    stub_turn: Callable[[], Awaitable[None]] | None = None,
    refresh_feed: bool = True,
    stubs: bool = True,
) -> CaptureOutcome:
    """Fetch `url`, store it (unless unchanged), extract its Report, package and archive it.

    `archive_wait`: seconds to wait for a Save Page Now job (None: the configured
    `wait_seconds`; 0: submit and leave it pending for `archive pending`).
    `source_org`: the discovering source's org, used when the URL's host is not in `[orgs]`.
    `record_as`: catalogue the capture under this URL (a Wayback `id_` fetch of
    an original report is recorded as that report; the WARC keeps the real URL).
    `browser`: render the page in Chromium and record everything it loaded (README "Browser capture").
    `forced`: an operator force-included the URL, so its report gets a stub even without counts.
    `extract_workers`: extract up to that many pages at once, each in a limited worker process that also builds
    its WARC records (0: one at a time, after storing it; scraper/extract/pool.py). Extraction over its
    `[extract]` limits raises ExtractLimitError at stage extract once the capture is stored.
    `stub_turn`: awaited before the stub stage, so a poll with several items in flight still
    makes its stubs in the order it found the items (stub ids stay reproducible).
    `refresh_feed`: rewrite the Atom feed when the stub changed (a poll passes False and
    rewrites it itself, at most every few seconds and at the end of its pass).
    `stubs`: False leaves the stub stage to the caller (a queue worker defers it as a job of its own).
    Any exception is labelled with the stage it came from (`failed_stage`).
    """
    with stage("fetch"), timed("fetch"):
        check_url(url)
        previous = _previous(
            catalogue, record_as or url, rendered=browser is not None
        )  # each kind is revalidated against its own
        validators = {}
        rendered: Rendered | None = None
        if previous is not None and previous.url == url and not record_as and browser is None:
            validators = {"etag": previous.etag, "last_modified": previous.last_modified}
        try:
            if browser is not None:
                rendered = await browser.render(url, respect_robots=respect_robots)
                result = rendered.document
            else:
                # Only the head is kept (what `_check_storable` sniffs): the page is read back from its WARC to extract.
                result = await client.fetch(url, respect_robots=respect_robots, keep=SNIFF_BYTES, **validators)
            if record_as:
                result = replace(result, requested_url=record_as)
            unchanged = result.not_modified and previous is not None
            if not unchanged:
                _check_storable(result)
        except FetchError as exc:
            catalogue.record_failure(url, exc.reason, str(exc), exc.status, getattr(exc, "attempts", 1))
            raise
    if unchanged:
        assert previous is not None
        with stage("extract"):
            outcome = await _record_unchanged(config, catalogue, previous, source_org)
    elif extract_workers > 0 and rendered is None and document_kind(result.content_type, result.content) != "pdf":
        outcome = await _store_and_extract_in_worker(config, catalogue, store, result, source_org, extract_workers)
    else:
        outcome = await _store_here(config, catalogue, store, result, rendered)
        del result, rendered  # stored: extraction reads the page back from the WARC, in its worker
        with stage("extract"):
            await _attach_report(
                config, catalogue, outcome, refresh=outcome.is_new, default_org=source_org, workers=extract_workers
            )
    await archive_capture(config, catalogue, outcome, wait=archive_wait)
    if outcome.over_limits is not None:
        with stage("extract"):
            raise outcome.over_limits
    if stub_turn is not None:
        with timed("waiting for the stub turn"):
            await stub_turn()
    if outcome.report is not None and stubs:
        with stage("stub"):
            # In a thread, as the WARC store: matching and its commit leave the loop free to read the next page.
            outcome.stub = await asyncio.to_thread(
                partial(
                    update_stubs_for_report,
                    config,
                    catalogue,
                    outcome.capture.id,
                    source_name,
                    forced=forced,
                    refresh_feed=refresh_feed,
                )
            )  # times itself
    return outcome


async def _store_here(
    config: Config, catalogue: Catalogue, store: WarcStore | None, result: FetchResult, rendered: Rendered | None = None
) -> CaptureOutcome:
    """Store the exchange from this process, in a thread: gzip, the flock wait and the fsync leave the event
    loop free to fetch and match other items. A cancelled item's thread still finishes its append and commit."""
    with stage("store"):
        store = store or WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
        capture, is_new = await in_thread("store (WARC + catalogue)", store_capture, store, catalogue, result, rendered)
    return CaptureOutcome(capture=capture, is_new=is_new, unchanged=not is_new)


async def _store_and_extract_in_worker(
    config: Config,
    catalogue: Catalogue,
    store: WarcStore | None,
    result: FetchResult,
    default_org: str | None,
    workers: int,
) -> CaptureOutcome:
    """A limited worker process builds the page's WARC records (gzip, digests) and extracts its Report from them
    (`build_and_extract`); this process appends the records and catalogues the capture with its report in
    one transaction (in a thread). The GIL-serialised CPU of this process goes to fetching and stubs.

    The WARC stays the preservation master: extraction reads the response record exactly as it will be
    stored, a failed extraction still stores the page, and if the process is stopped at its limits or
    dies, the page is stored from here and the outcome says so (`over_limits`)."""
    try:
        with stage("extract"), timed("build + extract (awaited in a worker)"):
            built = await run_bounded(
                extract_settings(config, workers), build_and_extract, config, result, default_org, extractor()
            )
    except ExtractLimitError as exc:
        log.warning(
            "extraction stopped: %s; the page is stored from the polling process",
            exc,
            extra={"url": result.requested_url},
        )
        outcome = await _store_here(config, catalogue, store, result)
        _over_limits(outcome, exc)
        return outcome
    TIMES.merge(built.steps, ", in a worker")
    with stage("store"):
        store = store or WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
        capture, is_new = await in_thread(
            "store (WARC + catalogue)", store_capture, store, catalogue, result, None, built.block, built.report
        )
    outcome = CaptureOutcome(capture=capture, is_new=is_new, unchanged=not is_new)
    if is_new:
        outcome.report, outcome.report_error = built.report, built.report_error
        if built.report_error is not None:
            log.warning("extraction failed: %s", built.report_error, extra={"url": capture.url})
    else:  # a catalogue hit: its stored report, as in-process (extracted if it has none)
        with stage("extract"):
            await _attach_report(config, catalogue, outcome, refresh=False, default_org=default_org, workers=workers)
    return outcome


@dataclass
class Built:
    """A worker's work on one fetched page (`build_and_extract`)."""

    block: tuple[bytes, StoredRecord]  # the gzipped records to append, and what the catalogue keeps of them
    report: Report | None  # None: extraction failed
    report_error: str | None
    steps: list[Step]  # the worker's step times for this page


def build_and_extract(
    config: Config, result: FetchResult, default_org: str | None, extract: Callable[..., Report] = extract_report
) -> Built:
    """In a worker process: the exchange's WARC records (`build_exchange`), and the Report `extract` finds in
    the response record read back from them, as `capture_content` reads a stored capture. Writes nothing."""
    TIMES.reset()  # a worker runs one job at a time: what is timed below is this page's
    with stage("store"), timed("WARC records (gzip, digests)", cpu=True):
        block = build_exchange(result)
    report = error = None
    try:
        with timed("read back from the records", cpu=True):
            record = block_response(block[0])
            content = _decoded(config, record)
        if default_org is None and any(_orgs(config).values()):  # else there is nothing to look up
            default_org = _timed_source_org(config, _worker_catalogue(config), result.requested_url, None)
        with timed("extract", cpu=True):
            report = extract(
                content,
                url=result.requested_url,
                final_url=result.final_url,
                content_type=result.content_type,
                orgs=config.orgs,
                default_org=default_org,
                pdf=None,
                pdf_limits=pdf_limits(config),
            )
    except ExtractError as exc:
        error = str(exc)
    return Built(block, report, error, TIMES.steps())


_worker_catalogues: dict[str, Catalogue] = {}


def _worker_catalogue(config: Config) -> Catalogue:
    """A worker's catalogue (it only reads: which source found a URL), opened once and kept; a worker
    lives as long as the polling process, and tests poll many catalogues, so only the last few stay open."""
    if config.catalogue_url not in _worker_catalogues:
        while len(_worker_catalogues) >= 4:
            _worker_catalogues.pop(next(iter(_worker_catalogues))).dispose()
        _worker_catalogues[config.catalogue_url] = Catalogue(config.catalogue_url)
    return _worker_catalogues[config.catalogue_url]


async def archive_capture(config: Config, catalogue: Catalogue, outcome: CaptureOutcome, *, wait: float | None) -> None:
    """Archive-link stage: the capture's public archive link (its WACZ is built from the WARC on demand, archive/wacz.py)."""
    capture = outcome.capture
    settings = wayback_settings(config)
    if not settings.enabled:
        outcome.archive_status, outcome.archive_detail = "disabled", "[archive.wayback] enabled = false"
        return
    with stage("archive"):
        async with WaybackClient(settings, catalogue, config.http.user_agent) as wayback:
            status = await wayback.archive_link(capture.url, capture_id=capture.id, wait=wait)
    outcome.archive_status, outcome.archive_link, outcome.archive_detail = status.status, status.link, status.detail


def _check_storable(result: FetchResult) -> None:
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
    """The capture of this kind, correcting a row stored before captures had a kind (migration 0011) from its WARC block."""
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


def _previous(catalogue: Catalogue, url: str, *, rendered: bool) -> Previous | None:
    """`Catalogue.latest_capture`'s row, read on the driver alone: it runs in the event loop for every
    item, where the ORM session and entity it took cost about 5 ms of the GIL a page (bench/pipeline.py)."""
    with catalogue.reader() as reader:
        rows = reader.rows(
            "SELECT id, url, etag, last_modified FROM captures WHERE (url = ? OR final_url = ?) AND rendered = ?"
            " ORDER BY fetched_at DESC, id DESC LIMIT 1",
            (url, url, rendered),
        )
    return Previous(*rows[0]) if rows else None


async def _record_unchanged(
    config: Config, catalogue: Catalogue, previous: Previous, default_org: str | None
) -> CaptureOutcome:
    with catalogue.session() as s:
        capture = s.get(Capture, previous.id)
        assert capture is not None
        capture.last_seen_at = utcnow()
        capture.seen_count += 1
    outcome = CaptureOutcome(capture=capture, is_new=False, unchanged=True)
    await _attach_report(config, catalogue, outcome, refresh=False, default_org=default_org)
    return outcome


async def _attach_report(
    config: Config,
    catalogue: Catalogue,
    outcome: CaptureOutcome,
    *,
    refresh: bool,
    default_org: str | None = None,
    workers: int = 0,
) -> None:
    """Use the stored Report unless the capture is new or has none yet.

    A PDF's text is read by a limited worker process awaited here, and the report is extracted in a
    limited worker process (scraper/extract/pool.py), so a hostile page neither blocks the event
    loop nor delays a shutdown (cancelling kills the process). Over its limits: `outcome.over_limits`.
    """
    if not refresh:
        with catalogue.read_session() as s:
            row = s.scalar(select(ReportRow).where(ReportRow.capture_id == outcome.capture.id))
            if row is not None:
                outcome.report = Report.from_dict(row.data)
                return
    capture = outcome.capture
    settings = extract_settings(config, workers)
    try:
        arguments = await asyncio.to_thread(_extract_arguments, config, catalogue, capture, default_org, None)
        with timed(
            "read back + extract (awaited in a worker)"
        ):  # the worker reads the WARC: no copy of the page crosses to it
            found = await run_bounded(
                settings,
                extract_stored,
                config,
                StoredAt.of(capture),
                arguments,
                extractor(),
                pdf_first=True,
                credentials=objectstore.credentials(),
            )
        if found is None:  # a PDF: its text comes from the PDF worker first, then the report from an extraction worker
            content = await in_thread(
                "read back from WARC", capture_content, config, capture
            )  # gunzip and digest off the loop
            try:
                arguments["pdf"] = await read_pdf_text_async(content, pdf_limits(config))
            except PdfLimitError as exc:
                raise ExtractLimitError(str(exc)) from None
            except PdfWorkerError as exc:
                raise ExtractError(f"{capture.final_url}: {exc}") from None
            with timed("extract (awaited in a worker)"):
                found = await extract_bounded(settings, content, **arguments)
        report = found
        report.capture_id = capture.id
        outcome.report = await in_thread("report row", store_report, catalogue, capture, report)
    except ExtractLimitError as exc:
        _over_limits(outcome, exc)
    except ExtractError as exc:
        outcome.report_error = str(exc)
        log.warning("extraction failed: %s", exc, extra={"url": outcome.capture.url})


def _over_limits(outcome: CaptureOutcome, exc: ExtractLimitError) -> None:
    """Note an extraction stopped at its limits: the capture is stored, the item fails (`capture_url` raises it)."""
    outcome.over_limits = ExtractLimitError(f"{outcome.capture.final_url}: stored, but {exc}")
    outcome.report_error = str(outcome.over_limits)
    log.warning("extraction stopped: %s", exc, extra={"url": outcome.capture.url})


def extract_settings(config: Config, workers: int | None = None) -> ExtractSettings:
    """`[extract]`: how many pages are extracted at once (`workers`, unless given) and each one's limits."""
    settings = section_settings(config, "extract", ExtractSettings)
    return settings if workers is None else replace(settings, workers=workers)


def pdf_limits(config: Config) -> PdfLimits:
    """`[extract.pdf]`: the PDF worker's page, text, CPU, memory and time limits."""
    return section_settings(config, "extract.pdf", PdfLimits)


@dataclass(frozen=True)
class StoredAt:
    """Where a capture's response record is, and its payload digest: what `capture_content` needs, small
    enough to send to a worker process, which then reads the page itself (no copy of it is pickled)."""

    warc_path: str
    warc_offset: int
    payload_sha256: str

    @classmethod
    def of(cls, capture: Capture) -> StoredAt:
        return cls(capture.warc_path, capture.warc_offset, capture.payload_sha256)


def extract_stored(
    config: Config,
    stored: StoredAt,
    arguments: dict[str, Any],
    extract: Callable[..., Report] = extract_report,
    *,
    pdf_first: bool = False,
    credentials: objectstore.Credentials | None = None,
) -> Report | None:
    """In a worker process: the Report of a stored capture, read back from its WARC here (`capture_content`).
    `pdf_first`: None for a PDF, whose text the caller has the PDF worker read first (`_attach_report`)."""
    if is_object(stored.warc_path) and objectstore.current() is None:  # forked before this process read its config
        objectstore.use(storage_settings(config), credentials)  # the caller's credentials: see objectstore.Credentials
    content = capture_content(config, stored)
    if pdf_first and document_kind(arguments["content_type"], content) == "pdf":
        return None
    return extract(content, **arguments)


def capture_content(config: Config, capture: Capture | StoredAt) -> bytes:
    """The decoded payload of a stored capture, read back from its WARC and digest-checked."""
    record = read_response(locate(config.data_dir, capture.warc_path), capture.warc_offset)
    if payload_sha256(record.raw_payload) != capture.payload_sha256:
        raise UserError(
            f"{capture.warc_path} at offset {capture.warc_offset}: payload digest does not match the catalogue "
            "(the WARC is damaged): run `takedowns archive verify`"
        )
    dom = rendered_parts(locate(config.data_dir, capture.warc_path), capture.warc_offset).get("dom")
    if dom is not None:
        return dom  # a rendered capture: extraction reads the DOM after scripts ran
    return _decoded(config, record)


def _decoded(config: Config, record: ResponseRecord) -> bytes:
    """A stored response's payload with its content encoding undone (size-capped)."""
    encoding = next((v for k, v in record.headers if k.lower() == "content-encoding"), None)
    return decode_body(record.raw_payload, encoding, config.http.max_decompressed_bytes)


def source_org(config: Config, catalogue: Catalogue, url: str, capture_id: int | None) -> str | None:
    """The `org` of the configured source that discovered `url` (or capture `capture_id`), if any."""
    orgs = _orgs(config)
    if not any(orgs.values()):
        return None  # no source names an org: nothing to look up
    found = (
        DiscoveredItem.url == url
        if capture_id is None
        else or_(DiscoveredItem.capture_id == capture_id, DiscoveredItem.url == url)
    )
    with catalogue.read_session() as s:
        names = list(s.scalars(select(DiscoveredItem.source).where(found).order_by(DiscoveredItem.id)))
    return next((orgs[name] for name in names if orgs.get(name)), None)


def _orgs(config: Config) -> dict[str, str | None]:
    """Each configured source's `org` as written: what load_sources reads, without validating every
    source again for every page (that cost a poll's worker 3.6 ms a page)."""
    return {name: table.get("org") for name, table in config.section("sources").items() if isinstance(table, dict)}


def report_of_capture(
    config: Config,
    catalogue: Catalogue,
    capture: Capture,
    *,
    default_org: str | None = None,
    content: bytes | None = None,
    pdf: PdfText | None = None,
) -> Report:
    """The Report of a stored capture, read from its WARC (never the network).

    The one extract-from-capture path: `fetch`, polls, `extract URL` and
    `reextract` all come here. Without `default_org`, the org of the source that
    discovered the URL is used, so re-extraction names the same org as the poll did.
    """
    arguments = _extract_arguments(config, catalogue, capture, default_org, pdf)
    try:
        if content is None:  # read from the WARC by the worker itself: no copy of the page here
            found = asyncio.run(
                run_bounded(
                    extract_settings(config),
                    extract_stored,
                    config,
                    StoredAt.of(capture),
                    arguments,
                    extractor(),
                    credentials=objectstore.credentials(),
                )
            )
            assert found is not None  # a PDF is read there too
            report = found
        else:
            report = extract_bounded_sync(extract_settings(config), content, **arguments)
    except ExtractLimitError as exc:
        raise ExtractLimitError(f"{capture.final_url}: {exc}") from None
    report.capture_id = capture.id
    return report


def _extract_arguments(
    config: Config, catalogue: Catalogue, capture: Capture, default_org: str | None, pdf: PdfText | None
) -> dict[str, Any]:
    """`extract_report`'s keyword arguments for a capture (plain values: they cross to a worker process)."""
    return {
        "url": capture.url, "final_url": capture.final_url, "content_type": capture.content_type, "orgs": config.orgs,
        "default_org": default_org or _timed_source_org(config, catalogue, capture.url, capture.id), "pdf": pdf, "pdf_limits": pdf_limits(config),
    }  # fmt: skip


def _timed_source_org(config: Config, catalogue: Catalogue, url: str, capture_id: int | None) -> str | None:
    with timed("source org lookup", cpu=True):  # runs in a thread (_extract_arguments) or a worker, never awaits
        return source_org(config, catalogue, url, capture_id)


def extract_capture(
    config: Config,
    catalogue: Catalogue,
    capture: Capture,
    *,
    default_org: str | None = None,
    content: bytes | None = None,
    pdf: PdfText | None = None,
) -> Report:
    """Extract the Report of a stored capture and upsert it into the catalogue."""
    return store_report(
        catalogue,
        capture,
        report_of_capture(config, catalogue, capture, default_org=default_org, content=content, pdf=pdf),
    )


def store_report(catalogue: Catalogue, capture: Capture, report: Report) -> Report:
    """Upsert a capture's Report into the catalogue."""
    with catalogue.session() as s:
        catalogue.serialise(s, f"report:{capture.id}")  # a `fetch` beside the daemon may extract the same capture
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == capture.id))
        if row is None:
            row = ReportRow(capture_id=capture.id, url=capture.url)
            s.add(row)
        row.extractor_version = report.extractor_version
        row.extracted_at = utcnow()
        row.data = report.to_dict()
    return report


def process_url(
    config: Config, url: str, *, respect_robots: bool = True, archive_wait: float | None = None, render: bool = False
) -> CaptureOutcome:
    """Synchronous entry point for the CLI: one URL through the whole pipeline (`render`: in Chromium)."""
    check_url(url)
    render_settings = RenderSettings.from_config(config) if render else None
    if render_settings is not None and (problem := render_unavailable(render_settings)):
        raise UserError(problem)
    catalogue = Catalogue(config.catalogue_url)
    store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)

    async def run() -> CaptureOutcome:
        async with HttpClient(config.http) as client:
            if render_settings is None:
                return await capture_url(
                    config,
                    catalogue,
                    client,
                    url,
                    respect_robots=respect_robots,
                    store=store,
                    archive_wait=archive_wait,
                )
            async with BrowserPool(render_settings, client) as browser:
                return await capture_url(
                    config,
                    catalogue,
                    client,
                    url,
                    respect_robots=respect_robots,
                    store=store,
                    archive_wait=archive_wait,
                    browser=browser,
                )

    try:
        return asyncio.run(run())
    finally:
        catalogue.dispose()
