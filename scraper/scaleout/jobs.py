"""Captures and stubs as jobs on procrastinate, in the catalogue's PostgreSQL database (no broker to run).

`takedowns enqueue URL...` defers one `capture` job per URL, at most one waiting per URL
(procrastinate's queueing lock); `takedowns worker` runs them, each through the same
`scraper.pipeline.chain.capture_url` as `takedowns fetch` (fetch, then records built and report
extracted in a limited process, then both stored), so a capture is stored exactly as on one
machine; the job then defers the report's `stub` job, run one at a time per worker on a queue
of its own (matching reads every open stub). Delivery is at least once (a killed worker's job is
run again, `_sweep_stalled`): a second run of a capture stores no second capture, because the
WARC writer finds the same URL and payload digest already catalogued under its lock
(`archive/warc.py`, `scraper.pipeline.snapshot.store_capture`); a second stub run finds the report cited.
Requests to one host are paced across every worker (scraper/fetch/shared_pacing.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import procrastinate
from procrastinate import App, PsycopgConnector, RetryStrategy
from procrastinate.testing import InMemoryConnector

from archive.catalogue import Catalogue
from archive.tables import Capture
from archive.warc import WarcStore
from archive.wayback import WaybackClient
from scraper.config import Config, section_settings, wayback_settings
from scraper.discover.candidate import Candidate, Source
from scraper.discover.poll import decide_captured, record_item_failure, recorded_poll
from scraper.discover.sources import load_sources
from scraper.errors import UserError
from scraper.extract.pool import ExtractSettings, warm_up
from scraper.fetch.browser import RenderSettings, SharedBrowser
from scraper.fetch.client import HttpClient
from scraper.fetch.shared_pacing import SharedPacing, conninfo_of
from scraper.pipeline.chain import capture_url
from scraper.pipeline.extraction import extract_capture
from scraper.stagetimes import TIMES, timed
from scraper.stubs import feed_changed, feed_refresher, update_stubs_for_report
from scraper.stubs.feed import FeedRefresher

log = logging.getLogger("takedowns.worker")

# Tasks are declared once on this app; `connect` gives the same tasks a real connector.
app = App(connector=InMemoryConnector())
SCHEMA_LOCK = 0x74616B65  # advisory lock key serialising the first schema install


@dataclass
class WorkerContext:
    config: Config
    catalogue: Catalogue
    store: WarcStore
    client: HttpClient
    extract_workers: int  # extraction processes at once (the job's page is extracted before it is stored)
    feed: FeedRefresher  # the Atom feed, rewritten at most every few seconds (not once per stub job)
    browser: SharedBrowser  # Chromium for render jobs, started by the first one (a worker that renders nothing never)


_context: WorkerContext | None = None


CAPTURE_QUEUE = "default"
POLL_QUEUE = "polls"  # source polls: discovery, then one capture job per new item
STUB_QUEUE = "stubs"  # one stub job at a time per worker (scraper.scaleout.jobs._run_queues)
QUEUES = (CAPTURE_QUEUE, POLL_QUEUE, STUB_QUEUE)


def _current() -> WorkerContext:
    if _context is None:
        raise RuntimeError("queued jobs run inside `takedowns worker`")
    return _context


def _first_line(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0][:300]}"


@app.task(name="capture", retry=RetryStrategy(max_attempts=3, exponential_wait=1), pass_context=False)
async def capture(url: str, render: bool = False, source: str | None = None, item_id: int | None = None) -> None:
    """One URL through the pipeline as `takedowns fetch` (fetch, store, extract; `render`: in Chromium, as
    `takedowns fetch --render`), then its stub stage queued as a `stub` job. Run twice, it stores one capture (the
    WARC writer finds the URL and payload digest stored) and one report, and queues at most one waiting stub job
    (queueing lock). Queued by a `poll` job, it carries the source and the discovered item, and records the item's
    decision (kept or dropped, or its failure) as a poll in one process does."""
    ctx = _current()
    spec = _source(ctx.config, source) if source is not None else None
    try:
        with timed("job: render" if render else "job: capture"):
            pool = await ctx.browser.pool() if render else None  # no Chromium here: a one-line UserError
            outcome = await capture_url(
                ctx.config,
                ctx.catalogue,
                ctx.client,
                url,
                respect_robots=spec.respect_robots if spec is not None else True,
                store=ctx.store,
                archive_wait=0.0,
                source_name=source,
                source_org=spec.org if spec is not None else None,
                browser=pool,
                extract_workers=ctx.extract_workers,
                stubs=False,
            )
            if outcome.report is not None:
                await defer_stub(outcome.capture.id, source)
            if outcome.archive_status == "pending":  # submitted to Save Page Now (or waiting to be): check later
                await defer_wayback_check(0)
    except Exception as exc:  # procrastinate retries it; the reason goes to the log, one line
        if spec is not None and item_id is not None:
            await asyncio.to_thread(record_item_failure, ctx.config, ctx.catalogue, spec, url, item_id, exc)
        log.warning("capture of %s failed (%s); the queue retries it", url, _first_line(exc))
        raise
    if spec is not None and item_id is not None:
        await asyncio.to_thread(decide_captured, ctx.catalogue, spec, url, item_id, outcome)
    log.info(
        "%s %s: capture %s (%s)",
        "rendered" if render else "captured",
        url,
        outcome.capture.id,
        "new" if outcome.is_new else "already stored",
    )


def _source(config: Config, name: str) -> Source | None:
    """The `[sources.<name>]` table a poll job or its capture jobs name (None: removed from the config since)."""
    return next((s for s in load_sources(config) if s.name == name), None)


def capture_lock(url: str, render: bool) -> str:
    """At most one capture job waiting per URL and kind: a rendered capture is another record than a plain one."""
    return f"render:{url}" if render else url


async def defer_capture(
    url: str, *, render: bool = False, source: str | None = None, item_id: int | None = None
) -> int | None:
    """Queue a capture job (None if one for this URL and kind is waiting already). Inside `connect` or a worker."""
    try:
        task = capture.configure(queueing_lock=capture_lock(url, render))
        return await task.defer_async(url=url, render=render, source=source, item_id=item_id)
    except procrastinate.exceptions.AlreadyEnqueued:
        return None


@app.task(name="poll", queue=POLL_QUEUE, retry=RetryStrategy(max_attempts=3, exponential_wait=1), pass_context=False)
async def poll(source: str) -> None:
    """Poll one source as `takedowns poll` does (discovery, relevance prefilter, the decisions already made), but
    queue one capture job per item to fetch instead of capturing it here (rendered for a `render = true` source);
    each capture job records its item's decision. Poll jobs of one source run one at a time (procrastinate's job
    lock, `poll:<name>`) and at most one waits (queueing lock). Run twice, the second queues nothing again: an item
    whose capture job is waiting finds that job (queueing lock on its URL), a decided one is skipped."""
    ctx = _current()
    spec = _source(ctx.config, source)
    if spec is None:
        log.warning("poll job: no source %s in %s; nothing to do", source, ctx.config.path)
        return

    async def enqueue(c: Candidate, item_id: int) -> bool:
        return await defer_capture(c.url, render=spec.render, source=spec.name, item_id=item_id) is not None

    with timed("job: poll"):
        result = await recorded_poll(ctx.config, ctx.catalogue, ctx.client, spec, enqueue=enqueue)
    log.info(
        "polled %s: %d item(s) found, %d capture job(s) queued, %d already queued, %d decided before%s",
        source,
        result.items_found,
        result.queued,
        result.already_queued,
        result.skipped,
        f"; {result.source_error}" if result.source_error else "",
    )


def poll_lock(source: str) -> str:
    return f"poll:{source}"


async def defer_poll(config: Config, source: str) -> int | None:
    """Queue a poll job of `source` for the workers (None if one is waiting already): what the elected scheduler
    does with `takedowns run --poll-jobs` instead of polling in its own process."""
    async with connect(config):
        try:
            task = poll.configure(queueing_lock=poll_lock(source), lock=poll_lock(source))
            return await task.defer_async(source=source)
        except procrastinate.exceptions.AlreadyEnqueued:
            return None


def check_queue(config: Config) -> None:
    """A one-line error unless the catalogue is on PostgreSQL, where the job queue lives."""
    try:
        conninfo_of(config.catalogue_url)
    except ValueError as exc:
        raise UserError(f"the job queue lives in the catalogue's database: {exc}") from None


@app.task(name="extract", retry=RetryStrategy(max_attempts=3, exponential_wait=1), pass_context=False)
async def extract(capture_id: int) -> None:
    """Extract a stored capture's report again (a new extractor, as `takedowns reextract`), read from its WARC
    wherever it is (the bucket, once uploaded), then queue its stub stage. Run twice, it upserts the one report."""
    ctx = _current()
    with ctx.catalogue.read_session() as s:
        capture = s.get(Capture, capture_id)
        if capture is not None:
            s.expunge(capture)
    if capture is None:
        log.warning("extract job: capture %s is not in the catalogue; nothing to do", capture_id)
        return
    with timed("job: extract"):
        report = await asyncio.to_thread(extract_capture, ctx.config, ctx.catalogue, capture)
    await defer_stub(capture_id)
    log.info("extracted capture %s again (extractor %s)", capture_id, report.extractor_version)


async def enqueue_extractions(config: Config, capture_ids: list[int]) -> list[int | None]:
    """Defer one `extract` job per stored capture (none where one is waiting already)."""
    ids: list[int | None] = []
    async with connect(config) as queue:
        for capture_id in capture_ids:
            try:
                task = queue.configure_task(name="extract", queueing_lock=f"extract:{capture_id}")
                ids.append(await task.defer_async(capture_id=capture_id))
            except procrastinate.exceptions.AlreadyEnqueued:
                ids.append(None)
    return ids


async def defer_wayback_check(seconds: float) -> None:
    """Queue a Wayback check in `seconds` (none if one is waiting already: it checks every pending link)."""
    try:
        when = datetime.now(UTC) + timedelta(seconds=seconds)
        await wayback_check.configure(queueing_lock="wayback-check", schedule_at=when).defer_async()
    except procrastinate.exceptions.AlreadyEnqueued:
        pass


@app.task(name="wayback_check", retry=RetryStrategy(max_attempts=3, exponential_wait=1), pass_context=False)
async def wayback_check() -> None:
    """Check every pending archive link once (`WaybackClient.poll_pending`, as `takedowns archive pending`), then,
    while some are still pending, queue the next check `[archive.wayback] poll_interval_seconds` later. A check run
    twice submits nothing twice: a pending link's Save Page Now job is polled, and a resolved one is left alone."""
    ctx = _current()
    settings = wayback_settings(ctx.config)
    if not settings.enabled:
        return
    with timed("job: wayback check"):
        async with WaybackClient(settings, ctx.catalogue, ctx.config.http.user_agent) as wayback:
            checked = await wayback.poll_pending()
    pending = sum(status.status == "pending" for _, status in checked)
    log.info("wayback check: %d link(s) checked, %d still pending", len(checked), pending)
    if pending:
        await defer_wayback_check(settings.poll_interval_seconds)


async def defer_stub(capture_id: int, source: str | None = None) -> None:
    """Queue the stub stage of a stored report (none if one is waiting for it already)."""
    try:
        await stub.configure(queueing_lock=f"stub:{capture_id}").defer_async(capture_id=capture_id, source=source)
    except procrastinate.exceptions.AlreadyEnqueued:
        pass


@app.task(name="stub", queue=STUB_QUEUE, retry=RetryStrategy(max_attempts=3, exponential_wait=1), pass_context=False)
async def stub(capture_id: int, source: str | None = None) -> None:
    """The stub stage of one stored report: match it against the open stubs, then create, extend or update one.

    Matching reads every open stub, so the catalogue lets one process decide at a time (`Catalogue.serialise`).
    Stub jobs have their own queue and one slot per worker (`_run_queues`): no capture slot sits on that lock
    while pages wait to be fetched. Run twice, the second finds the report cited and changes nothing
    (`update_stubs_for_report` is idempotent)."""
    ctx = _current()
    try:
        with timed("job: stub"):
            outcome = await asyncio.to_thread(
                update_stubs_for_report, ctx.config, ctx.catalogue, capture_id, source, refresh_feed=False
            )
    except Exception as exc:
        log.warning("stub stage of capture %s failed (%s); the queue retries it", capture_id, _first_line(exc))
        raise
    if feed_changed(outcome):
        await asyncio.to_thread(ctx.feed.changed)
    log.info("stub of capture %s: %s %s", capture_id, outcome.action, outcome.stub_id or "")


@asynccontextmanager
async def connect(config: Config) -> AsyncIterator[App]:
    """The app on the catalogue's PostgreSQL database, open, with procrastinate's tables installed."""
    try:
        conninfo = conninfo_of(config.catalogue_url)
    except ValueError as exc:
        raise UserError(f"the job queue lives in the catalogue's database: {exc}") from None
    with app.replace_connector(PsycopgConnector(conninfo=conninfo)) as queue:
        async with queue.open_async():
            await ensure_schema(queue, conninfo)
            yield queue


async def ensure_schema(queue: App, conninfo: str) -> None:
    """Install procrastinate's tables once (beside the catalogue's; they are its own, outside the migrations).

    The advisory lock is held on a connection of its own (the app's pool may hand out another for the unlock),
    so workers starting together on an empty database install the schema once.
    """
    import psycopg

    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        found = await (await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).fetchone()
        if not (found and found[0]):
            await queue.schema_manager.apply_schema_async()
        await conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


async def enqueue(config: Config, urls: list[str], *, render: bool = False) -> list[int | None]:
    """Defer one capture job per URL (`render`: captured in Chromium); None where one is waiting already."""
    Catalogue(
        config.catalogue_url, migrate=True
    ).dispose()  # created or migrated here, before several workers start on it
    ids: list[int | None] = []
    async with connect(config):
        for url in urls:
            ids.append(await defer_capture(url, render=render))
    return ids


async def run_worker(
    config: Config,
    *,
    concurrency: int,
    until_empty: bool,
    stalled_after: float = 30.0,
    name: str | None = None,
    queues: tuple[str, ...] = QUEUES,
) -> None:
    """Run the jobs of `queues` until stopped (or, `until_empty`, until none is waiting); first queue again the
    jobs of workers silent for `stalled_after` seconds (killed mid-job)."""
    global _context
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    pacing = SharedPacing(conninfo_of(config.catalogue_url))
    try:
        async with connect(config) as queue:
            await _retry_stalled(queue, stalled_after)
            async with (
                HttpClient(config.http, shared_pacing=pacing) as client,
                SharedBrowser(RenderSettings.from_config(config), client) as browser,
            ):
                _context = WorkerContext(
                    config,
                    catalogue,
                    WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes),
                    client,
                    extraction_processes(config, concurrency),
                    feed_refresher(config, catalogue),
                    browser,
                )
                await _upload_left(_context.store)
                # Every page is extracted in a process from the fork server: started (its modules imported) before
                # the first job, not on the event loop in the middle of one while hosts' pacing locks wait on it.
                if CAPTURE_QUEUE in queues:  # a worker of polls or stubs only extracts nothing
                    await asyncio.to_thread(warm_up)
                TIMES.reset()
                sweep = (
                    asyncio.create_task(_sweep_stalled(queue, stalled_after)) if stalled_after > 0 else None
                )  # 0: "every other worker is gone", checked once above, never against live workers
                try:
                    await _run_queues(queue, concurrency, until_empty, stalled_after, name or "takedowns", queues)
                finally:
                    if sweep is not None:
                        sweep.cancel()
                    await pacing.drain()
                    await asyncio.to_thread(_context.feed.flush)
                    log_step_times()
    finally:
        _context = None
        catalogue.dispose()


async def _run_queues(
    queue: App, concurrency: int, until_empty: bool, stalled_after: float, name: str, queues: tuple[str, ...]
) -> None:
    """Two procrastinate workers in this process: `concurrency` capture and poll jobs at once, and one stub job
    (each only if its queues are among `queues`). Stub jobs
    wait on the catalogue's stub lock (one process decides at a time), so they get a slot of their own: capture
    slots never sit on that lock, and a stub job starts the moment the lock is free (no queue lock whose handover
    would wait for procrastinate's next poll). SIGTERM or SIGINT stops both gracefully (running jobs finish)."""
    common: dict[str, Any] = {
        "wait": not until_empty,
        "install_signal_handlers": False,
        "delete_jobs": "successful",
        "update_heartbeat_interval": heartbeat_interval(stalled_after),
    }

    main = [q for q in queues if q != STUB_QUEUE]

    async def captures() -> None:
        if main:
            await queue.run_worker_async(queues=main, concurrency=concurrency, name=name, **common)

    async def stubs() -> None:
        if STUB_QUEUE in queues:
            await queue.run_worker_async(queues=[STUB_QUEUE], concurrency=1, name=f"{name}-stubs", **common)

    if until_empty:
        await asyncio.gather(captures(), stubs())
        await captures()  # capture jobs a poll job queued after the other slots found the queues empty
        await stubs()  # stub jobs the last captures queued after the stub worker found its queue empty
        return
    tasks = [asyncio.create_task(captures()), asyncio.create_task(stubs())]
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: [t.cancel() for t in tasks])
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        pass  # a stop signal: both workers stopped gracefully (procrastinate finishes running jobs on cancel)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def extraction_processes(config: Config, concurrency: int) -> int:
    """`[extract] workers` if set, else one per job run at once up to the machine's cores: each page is extracted
    (and its WARC records built) in a limited process before it is stored, so the worker's jobs are not queued
    behind one extraction at a time, and a stored capture is never read back (from another host) to extract it."""
    configured = section_settings(config, "extract", ExtractSettings).workers
    return configured if configured > 0 else max(1, min(concurrency, os.cpu_count() or 1))


def log_step_times() -> None:
    """Where this worker's time went, one line per step (wall seconds summed over jobs, calls, CPU seconds where
    measured): `bench/scaleout.py` adds them up over the workers."""
    for step in sorted(TIMES.steps(), key=lambda s: -s.seconds):
        cpu = f" cpu={step.cpu:.3f}" if step.cpu is not None else ""
        log.info("step time: %s: wall=%.3f calls=%d%s", step.name, step.seconds, step.calls, cpu)


async def _upload_left(store: WarcStore) -> None:
    """Upload what a killed run of this worker left in its folder (a full file whose upload it did not finish,
    its last file): other workers may need to read those captures, and nothing else would upload them."""
    if store.objects is None:
        return
    try:
        for line in await asyncio.to_thread(store.upload_pending):
            log.info("uploaded at start: %s", line)
    except Exception as exc:  # the bucket is unreachable: the next rollover or `archive upload` tries again
        log.warning("could not upload this folder's files at start (%s)", _first_line(exc))


def heartbeat_interval(stalled_after: float) -> float:
    """How often a worker says it is alive: well within `stalled_after`, so a slow live worker's running
    jobs are not taken for a killed one's (procrastinate's default is 10 s)."""
    return min(10.0, stalled_after / 4) if stalled_after > 0 else 10.0


async def _sweep_stalled(queue: App, stalled_after: float) -> None:
    """Every half `stalled_after`, queue again the jobs of workers silent that long: a killed worker's job (a
    `stub` job among them holds the queue lock every stub job waits on) runs again without waiting for a
    worker to start."""
    while True:
        await asyncio.sleep(stalled_after / 2)
        try:
            await _retry_stalled(queue, stalled_after)
        except Exception as exc:  # the database is briefly unreachable: the next sweep tries again
            log.warning("could not look for stalled jobs (%s)", _first_line(exc))


async def _retry_stalled(queue: App, stalled_after: float) -> None:
    """Jobs of workers that stopped sending heartbeats (killed) go back to the queue: at-least-once delivery."""
    for job in await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        try:
            await queue.job_manager.retry_job(job)
        except procrastinate.exceptions.ConnectorException:  # no longer `doing`: another worker queued it again
            continue
        log.warning("job %s (%s) of a stopped worker queued again", job.id, job.task_kwargs)


def run(
    config: Config, *, concurrency: int, until_empty: bool, stalled_after: float, queues: tuple[str, ...] = QUEUES
) -> None:
    asyncio.run(
        run_worker(config, concurrency=concurrency, until_empty=until_empty, stalled_after=stalled_after, queues=queues)
    )
