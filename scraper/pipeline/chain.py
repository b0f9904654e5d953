"""The stages chained for one URL: fetch -> snapshot -> extract -> archive link -> stub.

`capture_url` is the one way a URL goes through the pipeline: the CLI (`takedowns fetch`,
through `process_url`), polls, the daemon and scale-out workers all call it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import Capture
from archive.warc import WarcStore
from scraper.config import Config
from scraper.errors import FetchError, UserError
from scraper.fetch.browser import BrowserPool, Rendered, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient, check_url
from scraper.fetch.sniff import SNIFF_BYTES, document_kind
from scraper.stagetimes import timed
from scraper.stubs import update_stubs_for_report

from .archive_link import archive_capture
from .extraction import attach_report, store_and_extract_in_worker
from .outcome import CaptureOutcome, stage
from .snapshot import Previous, check_storable, previous_capture, store_here


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
        previous = previous_capture(
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
                # Only the head is kept (what `check_storable` sniffs): the page is read back from its WARC to extract.
                result = await client.fetch(url, respect_robots=respect_robots, keep=SNIFF_BYTES, **validators)
            if record_as:
                result = replace(result, requested_url=record_as)
            unchanged = result.not_modified and previous is not None
            if not unchanged:
                check_storable(result)
        except FetchError as exc:
            catalogue.record_failure(url, exc.reason, str(exc), exc.status, getattr(exc, "attempts", 1))
            raise
    if unchanged:
        assert previous is not None
        with stage("extract"):
            outcome = await _record_unchanged(config, catalogue, previous, source_org)
    elif extract_workers > 0 and rendered is None and document_kind(result.content_type, result.content) != "pdf":
        outcome = await store_and_extract_in_worker(config, catalogue, store, result, source_org, extract_workers)
    else:
        outcome = await store_here(config, catalogue, store, result, rendered)
        del result, rendered  # stored: extraction reads the page back from the WARC, in its worker
        with stage("extract"):
            await attach_report(
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


async def _record_unchanged(
    config: Config, catalogue: Catalogue, previous: Previous, default_org: str | None
) -> CaptureOutcome:
    with catalogue.session() as s:
        capture = s.get(Capture, previous.id)
        assert capture is not None
        capture.last_seen_at = utcnow()
        capture.seen_count += 1
    outcome = CaptureOutcome(capture=capture, is_new=False, unchanged=True)
    await attach_report(config, catalogue, outcome, refresh=False, default_org=default_org)
    return outcome


def process_url(
    config: Config, url: str, *, respect_robots: bool = True, archive_wait: float | None = None, render: bool = False
) -> CaptureOutcome:
    """Synchronous entry point for the CLI: one URL through the whole pipeline (`render`: in Chromium)."""
    check_url(url)
    render_settings = RenderSettings.from_config(config) if render else None
    if render_settings is not None and (problem := render_unavailable(render_settings)):
        raise UserError(problem)
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)

    async def run() -> CaptureOutcome:
        async with HttpClient(config.http) as client, contextlib.AsyncExitStack() as stack:
            browser = None
            if render_settings is not None:
                browser = await stack.enter_async_context(BrowserPool(render_settings, client))
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
