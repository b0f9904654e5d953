"""Extract stage: the Report of a stored capture, read from its WARC (never the network) in a limited
worker process, and kept in the catalogue; the one path from a capture to a Report."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import select

from archive import objectstore
from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.records import FetchResult
from archive.tables import Capture, ReportRow
from archive.warc import WarcStore
from scraper.config import Config
from scraper.errors import ExtractLimitError
from scraper.extract import ExtractError
from scraper.extract.pdf_worker import PdfLimitError, PdfText, PdfWorkerError, read_pdf_text_async
from scraper.extract.pool import extract_bounded, extract_bounded_sync, extractor, run_bounded
from scraper.extract.report import Report
from scraper.stagetimes import TIMES, in_thread, timed

from .extract_worker import build_and_extract, extract_stored
from .limits import extract_settings, pdf_limits
from .orgs import timed_source_org
from .outcome import CaptureOutcome, stage
from .readback import StoredAt, capture_content
from .snapshot import store_capture, store_here

log = logging.getLogger("takedowns.pipeline")


async def store_and_extract_in_worker(
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
        outcome = await store_here(config, catalogue, store, result)
        over_limits(outcome, exc)
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
            await attach_report(config, catalogue, outcome, refresh=False, default_org=default_org, workers=workers)
    return outcome


async def attach_report(
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
        over_limits(outcome, exc)
    except ExtractError as exc:
        outcome.report_error = str(exc)
        log.warning("extraction failed: %s", exc, extra={"url": outcome.capture.url})


def over_limits(outcome: CaptureOutcome, exc: ExtractLimitError) -> None:
    """Note an extraction stopped at its limits: the capture is stored, the item fails (`capture_url` raises it)."""
    outcome.over_limits = ExtractLimitError(f"{outcome.capture.final_url}: stored, but {exc}")
    outcome.report_error = str(outcome.over_limits)
    log.warning("extraction stopped: %s", exc, extra={"url": outcome.capture.url})


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
        "default_org": default_org or timed_source_org(config, catalogue, capture.url, capture.id),
        "pdf": pdf, "pdf_limits": pdf_limits(config),
    }  # fmt: skip


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
