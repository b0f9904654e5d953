"""One discovery + processing pass per source, and Wayback backfills.

Re-entrant and idempotent: every candidate's decision is stored as soon as it
is made, so a second poll fetches nothing new and a poll killed midway repeats
no finished work. One bad item never stops the rest; a source whose page or
feed changed shape records an error instead of silently finding nothing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from urllib.parse import urlencode

from sqlalchemy import select, update

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import ArchiveJob, DiscoveredItem
from archive.wayback import snapshot_link
from scraper.config import Config, section_settings, wayback_settings
from scraper.errors import FetchError, UserError, describe
from scraper.extract.pool import ExtractSettings
from scraper.fetch.browser import RenderSettings, SharedBrowser
from scraper.fetch.client import HttpClient, strip_credentials
from scraper.pipeline.chain import capture_url
from scraper.pipeline.outcome import CaptureOutcome, failed_stage
from scraper.stagetimes import in_thread
from scraper.stubs import feed_changed, feed_refresher
from scraper.urls import normalise_url

from . import failures, kinds, runs
from .candidate import Candidate, ShapeError, Source
from .failures import RetryPolicy
from .kinds.wayback import cdx_rows
from .relevance import judge, prefilter
from .sources import load_sources

log = logging.getLogger("takedowns.discover")
Progress = Callable[[str], None]
# Queues one item's capture elsewhere (a job for `takedowns worker`) instead of capturing it in this process;
# returns False when one is waiting for it already.
Enqueue = Callable[[Candidate, int], Awaitable[bool]]


@dataclass
class PollResult:
    source: str
    items_found: int = 0
    fetched: int = 0
    kept: int = 0
    dropped: int = 0
    skipped: int = 0  # already decided on an earlier poll
    deferred: int = 0  # over the source's max_items for one pass: fetched on a later pass
    queued: int = 0  # captures queued as jobs (a poll job): decided by the capture job
    already_queued: int = 0  # a capture job was waiting for the item already
    waiting: int = 0  # failed earlier, next try not due yet (`takedowns failures`)
    failed: int = 0  # items that failed in this pass, at any stage
    gave_up: int = 0  # of those, items that reached [daemon] item_max_tries
    errors: list[str] = field(default_factory=list)
    source_error: str | None = None


async def _get(client: HttpClient, url: str, source: Source) -> bytes:
    result = await client.fetch(url, respect_robots=source.respect_robots)
    if result.status != 200:
        raise ShapeError(f"{url} answered HTTP {result.status}")
    return result.content


async def discover(config: Config, client: HttpClient, source: Source) -> list[Candidate]:
    """The candidates a source lists right now: its kind's `discover()` (scraper.discover.kinds)."""
    kind = kinds.get(source.kind)
    if kind is None:
        raise UserError(f"[sources.{source.name}] unknown kind {source.kind}")

    async def get(url: str) -> bytes:
        return await _get(client, url, source)

    return await kind.discover(source, get)


REGISTER_BATCH = 1000  # candidates recorded per transaction
LOOKAHEAD = 4  # x (workers + 1): how far past the oldest unfinished item a poll may start items


@dataclass(frozen=True)
class Known:
    """A discovered item's state when a pass starts."""

    id: int
    decision: str
    next_try_at: datetime | None


def _register(catalogue: Catalogue, source: Source, candidates: list[Candidate]) -> dict[str, Known]:
    """Record every candidate as a discovered item, one transaction per batch; return its state by URL."""
    known: dict[str, Known] = {}
    urls = list(dict.fromkeys(c.url for c in candidates))
    titles = {c.url: c.title for c in reversed(candidates)}
    for start in range(0, len(urls), REGISTER_BATCH):
        batch = urls[start : start + REGISTER_BATCH]
        now = utcnow()
        with catalogue.session() as s:
            catalogue.serialise(s, f"source:{source.name}")  # a manual poll beside the daemon's
            rows = {
                item.url: item
                for item in s.scalars(
                    select(DiscoveredItem).where(DiscoveredItem.source == source.name, DiscoveredItem.url.in_(batch))
                )
            }
            for url in batch:
                item = rows.get(url)
                if item is None:
                    item = DiscoveredItem(
                        source=source.name,
                        url=url,
                        title=titles[url][:500],
                        decision="pending",
                        reason="",
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                    s.add(item)
                    rows[url] = item
                item.last_seen_at = now
            s.flush()
            known.update({url: Known(item.id, item.decision, item.next_try_at) for url, item in rows.items()})
    return known


def _decide(catalogue: Catalogue, item_id: int, decision: str, reason: str, capture_id: int | None = None) -> None:
    """Store a final decision; it clears any failure record of the item. One UPDATE, no ORM object: it runs
    for every item in the polling process, whose CPU the GIL serialises."""
    values: dict[str, object] = {
        "decision": decision,
        "reason": reason[:2000],
        "stage": "",
        "tries": 0,
        "next_try_at": None,
    }
    if capture_id is not None:
        values["capture_id"] = capture_id
    with catalogue.engine.begin() as conn:
        conn.execute(update(DiscoveredItem).where(DiscoveredItem.id == item_id).values(values))


def retry_policy(config: Config) -> RetryPolicy:
    daemon = config.section("daemon")  # validated against the registry when the config loaded
    return RetryPolicy(daemon["item_max_tries"], daemon["item_retry_seconds"])


def _without_credentials(c: Candidate, source: Source) -> Candidate:
    """A listed URL with `user:password@` is recorded and fetched without it, never stored with it."""
    url = strip_credentials(c.url)
    if url == c.url:
        return c
    log.warning("dropped credentials from a listed URL", extra={"source": source.name, "url": url})
    return replace(c, url=url)


async def process(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: Source,
    candidates: list[Candidate],
    result: PollResult,
    *,
    fetch_url: Callable[[Candidate], str] = lambda c: c.url,
    progress: Progress | None = None,
    forced: bool = False,
    browser: SharedBrowser | None = None,
    enqueue: Enqueue | None = None,
) -> None:
    """Relevance, capture and decision for each candidate; finished items are never redone.

    `browser`: capture in Chromium (a `render = true` source; README "Browser capture").
    `enqueue`: queue each item's capture as a job instead (its job records the decision)."""
    seen: set[str] = set()
    budget = None if forced else source.max_items  # fetches per pass; the rest wait for the next pass
    candidates = [_without_credentials(c, source) for c in candidates]
    items = _register(catalogue, source, candidates)
    now = utcnow()
    todo: list[tuple[Candidate, int]] = []
    for c in candidates:
        if c.url in seen:
            continue
        seen.add(c.url)
        if progress:
            progress(c.url)
        item = items[c.url]
        decided = (item.decision in ("kept", "dropped", "forced") and not c.repoll) or item.decision == failures.GAVE_UP
        if decided and not forced:
            result.skipped += 1
            continue
        if not forced and failures.waiting(item.decision, item.next_try_at, now):
            result.waiting += 1
            continue
        ok, reason = (True, "force-included by an operator") if forced else prefilter(source, c)
        if not ok:
            result.dropped += 1
            _decide(catalogue, item.id, "dropped", reason)
            continue
        if budget is not None:
            if budget <= 0:
                result.deferred += 1
                continue
            budget -= 1
        todo.append((c, item.id))
    if not todo:
        return
    if enqueue is not None:
        for c, item_id in todo:
            if await enqueue(c, item_id):
                result.queued += 1
            else:
                result.already_queued += 1
        return
    workers = (
        section_settings(config, "extract", ExtractSettings).workers if len(todo) > 1 else 0
    )  # one item: no pool to start
    if workers:
        hand_the_gil_on_sooner()
    items_pass = ItemPass(
        config, catalogue, client, source, result, retry_policy(config), fetch_url, forced, browser, workers
    )
    await items_pass.run(todo)


GIL_SWITCH_SECONDS = 0.001


def hand_the_gil_on_sooner() -> None:
    """Make this process's threads hand the GIL on after 1 ms instead of Python's 5 ms.

    With workers, the polling process runs several threads at once (event loop, WARC append, stub
    matching, decision rows, the pool's result thread), each releasing the GIL for every SQL
    statement and fsync and waiting up to the switch interval to get it back behind a busy thread.
    The stub stage, which items pass one at a time, took 54 ms of wall time a page for 14 ms of CPU
    at 5 ms, 44 ms at 1 ms, and the pass 10-20% less time (bench/pipeline.py, README "Benchmarks").
    Process-wide and never raised back: the daemon's other threads (the desk) only gain latency."""
    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_SECONDS))


class InOrder:
    """Lets item n through once items 0..n-1 are done (made their stub or ended without one), so stubs are
    made in the order items were found."""

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._lowest_open = 0
        self._waiting: list[asyncio.Future[None]] = []

    async def wait(self, n: int) -> None:
        while self._lowest_open < n:
            woken = asyncio.get_running_loop().create_future()
            self._waiting.append(woken)
            await woken

    def done(self, n: int) -> None:
        self._done.add(n)
        while self._lowest_open in self._done:
            self._lowest_open += 1
        waiting, self._waiting = self._waiting, []
        for woken in waiting:
            if not woken.done():
                woken.set_result(None)


class Place:
    """One item's place among the `places(workers)` between fetch and the end of its store; given up
    while the item waits for its stub turn, so a slow page never stops fetching."""

    def __init__(self, places: asyncio.Semaphore) -> None:
        self._places = places
        self._held = False

    async def take(self) -> None:
        await self._places.acquire()
        self._held = True

    def give_up(self) -> None:
        if self._held:
            self._held = False
            self._places.release()


def places(workers: int) -> int:
    """Items of a pass between fetch and the end of their store. With workers, an item holds its place
    while it is fetched, extracted in a worker and appended: workers + 2 keeps a page queued for
    each worker while the next one is fetched (workers + 1 left them idle about a fifth of the time,
    bench/pipeline.py). Without workers, extraction runs in this process: one item at a time."""
    return workers + 2 if workers > 0 else 1


class ItemPass:
    """The items of one pass captured concurrently: their places, stub turns and the Atom feed.

    Up to `places(workers)` items are between fetch and the end of their store, so pages are fetched
    while earlier ones are extracted. An item waiting for its stub turn gives its place up (a slow first
    page would otherwise hold every place and stop fetching) but no item starts more than LOOKAHEAD x
    (workers + 1) places ahead of the oldest one not done with its stub, which bounds the reports held waiting.
    """

    def __init__(
        self,
        config: Config,
        catalogue: Catalogue,
        client: HttpClient,
        source: Source,
        result: PollResult,
        policy: RetryPolicy,
        fetch_url: Callable[[Candidate], str],
        forced: bool,
        browser: SharedBrowser | None,
        workers: int,
    ) -> None:
        self.config, self.catalogue, self.client, self.source, self.result = config, catalogue, client, source, result
        self.policy, self.fetch_url, self.forced, self.browser, self.workers = (
            policy,
            fetch_url,
            forced,
            browser,
            workers,
        )
        self.places = asyncio.Semaphore(places(workers))
        self.lookahead = LOOKAHEAD * (workers + 1)
        self.turns = InOrder()
        self.feed = feed_refresher(config, catalogue)

    async def run(self, todo: list[tuple[Candidate, int]]) -> None:
        try:
            await asyncio.gather(*(self.item(n, c, item_id) for n, (c, item_id) in enumerate(todo)))
        finally:
            self.feed.flush()

    async def item(self, n: int, c: Candidate, item_id: int) -> None:
        """Item n: start within the lookahead, hold a place until its stub turn, let item n + 1's stub go when done."""
        place = Place(self.places)
        try:
            await self.turns.wait(n - self.lookahead)
            await place.take()
            try:
                await self.capture(c, item_id, partial(self.stub_turn, n, place), partial(self.turns.done, n))
            finally:
                place.give_up()
        finally:
            self.turns.done(n)

    async def stub_turn(self, n: int, place: Place) -> None:
        place.give_up()
        await self.turns.wait(n)

    async def capture(
        self, c: Candidate, item_id: int, stub_turn: Callable[[], Awaitable[None]], stub_done: Callable[[], None]
    ) -> None:
        """Capture one candidate (in Chromium with a browser) and record its decision or its failure."""
        source, catalogue, result, forced = self.source, self.catalogue, self.result, self.forced
        log.info("capturing report", extra={"source": source.name, "url": c.url})
        try:
            pool = (
                await self.browser.pool() if self.browser is not None else None
            )  # no Chromium: this item fails with the install hint
            url = self.fetch_url(c)
            outcome = await capture_url(
                self.config,
                catalogue,
                self.client,
                url,
                respect_robots=source.respect_robots,
                source_name=source.name,
                record_as=c.url if url != c.url else None,
                source_org=source.org,
                forced=forced,
                extract_workers=self.workers,
                stub_turn=stub_turn,
                browser=pool,
                refresh_feed=False,
            )
        except Exception as exc:  # one bad item never stops the pass (cancellation is not an Exception)
            if isinstance(exc, FetchError) and c.optional and exc.status == 404:
                result.dropped += 1
                _decide(catalogue, item_id, "dropped", "optional file not found (HTTP 404)")
            else:
                _fail(catalogue, source, c.url, item_id, exc, self.policy, result)
            return
        stub_done()  # the next item's stub may go: its decision row below need not wait
        if outcome.stub is not None and feed_changed(outcome.stub):
            self.feed.changed()
        result.fetched += 1
        keep, why = (True, "force-included by an operator") if forced else judge(outcome.report)
        log.info("%s: %s", "kept" if keep else "dropped", why, extra={"source": source.name, "url": c.url})
        result.kept += keep
        result.dropped += not keep
        await in_thread(
            "decision",
            _decide,
            catalogue,
            item_id,
            "forced" if forced else ("kept" if keep else "dropped"),
            why,
            outcome.capture.id,
        )


def decide_captured(catalogue: Catalogue, source: Source, url: str, item_id: int, outcome: CaptureOutcome) -> bool:
    """Record the decision on an item whose capture a job made (a poll job queued it), as a pass records its own:
    kept or dropped by the report's relevance. True when kept."""
    keep, why = judge(outcome.report)
    log.info("%s: %s", "kept" if keep else "dropped", why, extra={"source": source.name, "url": url})
    _decide(catalogue, item_id, "kept" if keep else "dropped", why, outcome.capture.id)
    return keep


def record_item_failure(
    config: Config, catalogue: Catalogue, source: Source, url: str, item_id: int, exc: Exception
) -> None:
    """Record the failure of an item whose capture a job tried, with its stage (its next try is then due on a
    later poll, or it is given up after [daemon] item_max_tries)."""
    _fail(catalogue, source, url, item_id, exc, retry_policy(config), PollResult(source.name))


def _fail(
    catalogue: Catalogue,
    source: Source,
    url: str,
    item_id: int,
    exc: Exception,
    policy: RetryPolicy,
    result: PollResult,
) -> None:
    """Record one item's failure with its stage; the pass goes on."""
    stage, reason = failed_stage(exc), describe(exc)
    failure = failures.record_failure(catalogue, item_id, stage, reason, policy, utcnow())
    result.failed += 1
    result.gave_up += failure.gave_up
    result.errors.append(f"{url}: {stage}: {reason}")
    extra = {"source": source.name, "url": url, "stage": stage, "tries": failure.tries}
    if failure.gave_up:
        log.error("item given up after %d tries: %s", failure.tries, reason, extra=extra)
    else:
        log.warning("item failed (%s): %s", stage, reason, extra=extra)
        if stage == "catalogue":  # not a stage of ours: keep the traceback for the log reader
            log.debug("item failure detail", exc_info=exc, extra=extra)


async def poll_source(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: Source,
    progress: Progress | None = None,
    browser: SharedBrowser | None = None,
    enqueue: Enqueue | None = None,
) -> PollResult:
    """One discovery + processing pass of `source` (its items rendered in `browser` when it sets `render = true`;
    with `enqueue`, each item's capture is queued as a job instead of made here)."""
    if source.render and browser is None and enqueue is None:
        raise UserError(f"[sources.{source.name}] sets render = true but this run has no browser")
    result = PollResult(source.name)
    previous_items = runs.last_items_found(catalogue, source.name)
    try:
        candidates = await discover(config, client, source)
        if not candidates and _polled(source) and previous_items:
            raise ShapeError(f"found no items where the last poll found {previous_items} (has the page changed shape?)")
        candidates += [
            Candidate(url, "force-included") for url in source.force_include if url not in {c.url for c in candidates}
        ]
        result.items_found = len(candidates)
        await process(
            config,
            catalogue,
            client,
            source,
            candidates,
            result,
            progress=progress,
            browser=browser if source.render else None,
            enqueue=enqueue,
        )
        if result.failed and not result.fetched and not result.queued:
            result.source_error = f"every item tried failed ({result.failed}); first: {result.errors[0]}"
    except (ShapeError, FetchError) as exc:
        result.source_error = f"{'source changed shape' if isinstance(exc, ShapeError) else 'fetch failed'}: {exc}"
        log.error("source failed: %s", result.source_error, extra={"source": source.name, "url": source.url})
    return result


def _polled(source: Source) -> bool:
    kind = kinds.get(source.kind)
    return kind is not None and kind.polled


async def recorded_poll(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: Source,
    progress: Progress | None = None,
    browser: SharedBrowser | None = None,
    enqueue: Enqueue | None = None,
) -> PollResult:
    """`poll_source` recorded as a run, as the daemon records its own, so `status` and `sources` see manual polls."""
    run_id = runs.start_run(catalogue, source.name)
    result: PollResult | None = None
    outcome, message = runs.ERROR, None
    try:
        result = await poll_source(config, catalogue, client, source, progress, browser, enqueue)
        outcome, message = (runs.ERROR, result.source_error) if result.source_error else (runs.OK, None)
        return result
    except (asyncio.CancelledError, KeyboardInterrupt):
        outcome, message = runs.INTERRUPTED, "the poll was interrupted before it finished"
        raise
    except Exception as exc:
        message = describe(exc)
        raise
    finally:
        runs.finish_run(
            catalogue,
            run_id,
            outcome,
            message=message,
            items_found=result.items_found if result else 0,
            errors=len(result.errors) + bool(result.source_error) if result else 1,
        )


def poll_sources(config: Config, names: list[str] | None = None, progress: Progress | None = None) -> list[PollResult]:
    """Synchronous entry point for `takedowns poll`."""
    sources = load_sources(config)
    if names:
        known = {s.name for s in sources}
        missing = [n for n in names if n not in known]
        if missing:
            raise UserError(f"unknown source(s): {', '.join(missing)}; known: {', '.join(sorted(known)) or 'none'}")
        sources = [s for s in sources if s.name in names]
    else:
        sources = [s for s in sources if s.enabled and _polled(s)]
    catalogue = Catalogue(config.catalogue_url, migrate=True)

    async def run() -> list[PollResult]:
        async with (
            HttpClient(config.http) as client,
            SharedBrowser(RenderSettings.from_config(config), client) as browser,
        ):
            return list(
                await asyncio.gather(*(recorded_poll(config, catalogue, client, s, progress, browser) for s in sources))
            )

    try:
        return asyncio.run(run())
    finally:
        catalogue.dispose()


# --- backfill through the Wayback Machine ----------------------------------------------


def earliest_good_captures(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(timestamp, original) of the earliest 200 capture of each original URL."""
    best: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.get("statuscode") not in ("200", None) or not row.get("timestamp") or not row.get("original"):
            continue
        key = normalise_url(row["original"])
        if key not in best or row["timestamp"] < best[key][0]:
            best[key] = (row["timestamp"], row["original"])
    return sorted(best.values())


async def backfill_source(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: Source,
    year_from: int | None,
    year_to: int | None,
    progress: Progress | None = None,
) -> PollResult:
    """List the source's URL prefix in the CDX API, fetch each original once (`id_`), record the snapshot link."""
    web_base = wayback_settings(config).web_base.rstrip("/")
    prefix = source.option("prefix") or source.url
    params = {
        "url": prefix,
        "matchType": "prefix",
        "output": "json",
        "fl": "timestamp,original,statuscode,mimetype",
        "filter": "statuscode:200",
    }
    year_from = year_from or source.option("from_year")
    year_to = year_to or source.option("to_year")
    if year_from:
        params["from"] = str(year_from)
    if year_to:
        params["to"] = str(year_to)
    result = PollResult(source.name)
    try:
        listing = await client.fetch(f"{web_base}/cdx/search/cdx?{urlencode(params)}", respect_robots=False)
        if listing.status != 200:
            raise ShapeError(f"CDX API answered HTTP {listing.status}")
        captures = earliest_good_captures(cdx_rows(listing.content))
    except (ShapeError, FetchError) as exc:
        result.source_error = str(exc)
        return result
    result.items_found = len(captures)
    timestamps = {original: ts for ts, original in captures}
    with catalogue.session() as s:
        for ts, original in captures:
            if (
                s.scalar(select(ArchiveJob.id).where(ArchiveJob.url == original, ArchiveJob.status == "success"))
                is None
            ):
                s.add(
                    ArchiveJob(
                        url=original,
                        status="success",
                        archive_timestamp=ts,
                        archive_link=snapshot_link(ts, original),
                        checked_at=utcnow(),
                        attempts=0,
                    )
                )
    candidates = [Candidate(original, repoll=False) for _, original in captures]
    await process(
        config,
        catalogue,
        client,
        source,
        candidates,
        result,
        progress=progress,
        fetch_url=lambda c: f"{web_base}/web/{timestamps[c.url]}id_/{c.url}",
    )
    return result
