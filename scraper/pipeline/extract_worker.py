"""What an extraction worker process runs (scraper/extract/pool.py): a stored capture's Report read from
its WARC there, or a fetched page's WARC records built and its Report extracted from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archive import objectstore
from archive.catalogue import Catalogue
from archive.objectstore import is_object
from archive.records import FetchResult
from archive.warc import StoredRecord, block_response, build_exchange
from scraper.config import Config, storage_settings
from scraper.extract import ExtractError, extract_report
from scraper.extract.report import Report
from scraper.fetch.sniff import document_kind
from scraper.stagetimes import TIMES, Step, timed

from .limits import pdf_limits
from .orgs import source_orgs, timed_source_org
from .outcome import stage
from .readback import StoredAt, capture_content, decoded_payload


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
            content = decoded_payload(config, record)
        if default_org is None and any(source_orgs(config).values()):  # else there is nothing to look up
            default_org = timed_source_org(config, _worker_catalogue(config), result.requested_url, None)
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
    `pdf_first`: None for a PDF, whose text the caller has the PDF worker read first (`attach_report`)."""
    if is_object(stored.warc_path) and objectstore.current() is None:  # forked before this process read its config
        objectstore.use(storage_settings(config), credentials)  # the caller's credentials: see objectstore.Credentials
    content = capture_content(config, stored)
    if pdf_first and document_kind(arguments["content_type"], content) == "pdf":
        return None
    return extract(content, **arguments)
