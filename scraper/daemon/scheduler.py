"""`takedowns run`: the scheduler loop, its jobs, and a graceful stop.

One asyncio loop runs everything: an AsyncIOScheduler fires one job per
enabled source (at most one instance each, missed runs coalesced, a misfire
grace tied to the schedule, jitter) and the housekeeping chores; all polls
share one HttpClient. Stop signals pause the scheduler, give in-flight polls
`grace_seconds` (less a reserve for the stop itself) to finish, then cancel them at their next wait (a WARC append,
a stub update and their catalogue commits run to the end in their thread, so a cancel never tears one).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.discover import runs
from scraper.discover.poll import PollResult, poll_source
from scraper.errors import UserError, describe
from scraper.extract.pool import warm_up
from scraper.fetch.browser import RenderSettings, SharedBrowser
from scraper.fetch.client import HttpClient

from . import adapter
from .adapter import Poller, PollSummary, ScheduledSource
from .housekeeping import CHORES, Chore, run_chore
from .lock import DaemonLock
from .logs import current_source, daemon_logging
from .recovery import quarantine_uncommitted
from .settings import DaemonSettings, daemon_settings
from .signals import early_stop_signals, install_stop_handlers

log = logging.getLogger("takedowns.daemon")


async def poll(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: ScheduledSource,
    *,
    browser: SharedBrowser | None = None,
) -> PollSummary:
    """One pass of discovery's `poll_source`, summarised for the run table (`browser`: for `render = true` sources)."""
    assert source.spec is not None, "a source from the config carries its table"
    return summarise(await poll_source(config, catalogue, client, source.spec, browser=browser))


def summarise(result: PollResult) -> PollSummary:
    return PollSummary(items_found=result.items_found, errors=len(result.errors), error=result.source_error or None)


def stop_reserve(grace: float) -> float:
    """The end of the grace period kept for stopping once in-flight polls are abandoned (cancelling them
    kills their extraction processes; then the run rows, the HTTP client, the catalogue), so that the
    whole stop fits in `grace_seconds`: measured at 0.2 s on a busy machine."""
    return min(2.0, grace / 4)


class Daemon:
    """Runs the schedule until stopped (signal, `duration`, or `once` and every source ran)."""

    def __init__(
        self,
        config: Config,
        *,
        sources: list[ScheduledSource] | None = None,
        poller: Poller | None = None,
        settings: DaemonSettings | None = None,
        once: bool = False,
        duration: float | None = None,
        defer_polls: Callable[[Config, str], Awaitable[int | None]] | None = None,
    ):
        """`defer_polls`: queue a source's poll as a job for the workers instead of polling here (its job records
        the run, `scraper.scaleout.jobs.poll`)."""
        self.config = config
        self.defer_polls = defer_polls
        self.settings = settings or daemon_settings(config)
        self._sources = sources
        self._poller = poller
        self.once = once
        self.duration = duration
        self._inflight: set[asyncio.Task] = set()
        self._pending_once: set[str] = set()
        self._stopping = False

    # --- lifecycle ------------------------------------------------------------------

    def run(self) -> None:
        """Hold the data folder's lock and run until stopped; returns normally on a clean stop."""
        sources = self._sources if self._sources is not None else adapter.load_sources(self.config)
        with DaemonLock(self.config.data_dir), early_stop_signals() as early, daemon_logging():
            asyncio.run(self._main(sources, early))

    async def _main(self, sources: list[ScheduledSource], early: list[int]) -> None:
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._force = asyncio.Event()
        self.catalogue = Catalogue(self.config.catalogue_url, migrate=True)
        remove_handlers = install_stop_handlers(loop, self.request_stop, self._force.set)
        if early:  # a stop signal arrived while starting up
            self.request_stop()
        try:
            interrupted = set(runs.recover_interrupted(self.catalogue))
            quarantine_uncommitted(self.config, self.catalogue)
            if self.defer_polls is None:  # polls queued as jobs: this process extracts nothing
                await loop.run_in_executor(None, warm_up)  # every page is extracted in a process from its fork server
            for name in sorted(interrupted):
                log.warning("the last run was interrupted; running it again now", extra={"source": name})
            if not sources:
                log.warning("no enabled sources in %s: add a [sources.<name>] table", self.config.path)
            async with (
                HttpClient(self.config.http) as client,
                SharedBrowser(RenderSettings.from_config(self.config), client) as browser,
            ):
                self.client = client
                self._poll: Poller = self._poller or partial(
                    poll, browser=browser
                )  # one browser for every render source
                self.scheduler = AsyncIOScheduler(event_loop=loop, timezone=timezone.utc)
                now = datetime.now(timezone.utc)
                for source in sources:
                    self._add_source_job(source, now, restart_now=source.name in interrupted)
                if not self.once:
                    self._add_chore_jobs(CHORES, now)
                self._pending_once = {s.name for s in sources}
                self.scheduler.start()
                log.info("daemon started (pid-locked %s): %d source(s)", self.config.data_dir, len(sources))
                if self.duration is not None:
                    loop.call_later(self.duration, self.request_stop)
                if self.once and not sources:
                    self.request_stop()
                await self._stop.wait()
                self.scheduler.pause()  # no new runs; in-flight ones get the grace period
                await self._drain()
                self.scheduler.shutdown(wait=False)
                if self.once and not self._force.is_set():
                    for chore in CHORES:
                        await run_chore(chore, self.config, self.catalogue)
        finally:
            remove_handlers()
            self.catalogue.dispose()
        log.info("daemon stopped cleanly")

    def request_stop(self) -> None:
        self._stopping = True
        self._stop.set()

    async def _drain(self) -> None:
        pending = {t for t in self._inflight if not t.done()}
        if not pending:
            return
        grace = self.settings.grace_seconds
        polls_grace = grace - stop_reserve(grace)
        log.info("waiting up to %gs for %d in-flight poll(s)", polls_grace, len(pending))
        force = asyncio.ensure_future(self._force.wait())
        deadline = time.monotonic() + polls_grace
        try:
            while pending and not self._force.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                _, still = await asyncio.wait(pending | {force}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
                pending = {t for t in still if t is not force}
        finally:
            force.cancel()
        if pending:
            log.warning("abandoning %d in-flight poll(s) after %gs", len(pending), polls_grace)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=10)

    # --- jobs -----------------------------------------------------------------------

    def _add_source_job(self, source: ScheduledSource, now: datetime, *, restart_now: bool) -> None:
        period = source.schedule.period().total_seconds()
        jitter = min(self.settings.jitter_seconds, period / 10)
        due = self._first_due(source, now, restart_now=restart_now, jitter=jitter)
        job = self.scheduler.add_job(
            self._run_source,
            trigger=source.schedule.trigger(start=due, jitter=jitter),
            args=[source],
            id=f"source:{source.name}",
            name=f"poll {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, math.ceil(period * self.settings.misfire_fraction)),
            next_run_time=due,
            replace_existing=True,
        )
        runs.set_next_run(self.catalogue, source.name, source.schedule.text, job.next_run_time)
        log.info(
            "scheduled %s, next run %s",
            source.schedule.text,
            due.isoformat(timespec="seconds"),
            extra={"source": source.name},
        )

    def _first_due(self, source: ScheduledSource, now: datetime, *, restart_now: bool, jitter: float) -> datetime:
        """Continue the schedule from the last run in the catalogue, not from process start."""
        last = runs.last_started(self.catalogue, source.name)
        if restart_now or (last is None and self.settings.run_on_start) or self.once:
            return now + timedelta(seconds=random.uniform(0, min(jitter, 1.0)))
        due = source.schedule.next_after(last or now)
        return max(due, now)  # overdue: one run now (coalesced), not one per missed period

    def _add_chore_jobs(self, chores: tuple[Chore, ...], now: datetime) -> None:
        """Housekeeping on its schedule: an interval's first run comes soon after start (at most 30 s),
        a cron schedule's on its own next fire time."""
        schedule = self.settings.housekeeping
        every = schedule.period().total_seconds()
        jitter = min(self.settings.jitter_seconds, every / 10)
        first = {"next_run_time": now + timedelta(seconds=min(every, 30))} if schedule.interval is not None else {}
        for chore in chores:
            self.scheduler.add_job(
                run_chore,
                trigger=schedule.trigger(start=first.get("next_run_time", now), jitter=jitter),
                args=[chore, self.config, self.catalogue],
                id=f"chore:{chore.name}",
                name=chore.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, math.ceil(every * self.settings.misfire_fraction)),
                **first,
            )

    async def _run_source(self, source: ScheduledSource) -> None:
        if self._stopping:
            return
        if self.defer_polls is not None:
            await self._defer_poll(source, self.defer_polls)
            return
        task = asyncio.current_task()
        assert task is not None
        self._inflight.add(task)
        token = current_source.set(source.name)
        run_id = runs.start_run(self.catalogue, source.name)
        self._record_next(source)
        log.info("poll started")
        outcome, summary, message, failed_url = runs.ERROR, None, None, None
        try:
            summary = await self._poll(self.config, self.catalogue, self.client, source)
            outcome = runs.ERROR if summary.error else runs.OK
            message = summary.error
        except asyncio.CancelledError:
            outcome, message = (
                runs.INTERRUPTED,
                f"abandoned at shutdown after the {self.settings.grace_seconds:g}s grace period",
            )
        except UserError as exc:
            message, failed_url = str(exc), getattr(exc, "url", None)
        except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the daemon
            message = describe(exc)
            log.debug("poll crashed", exc_info=True)
        finally:
            items = summary.items_found if summary else 0
            errors = summary.errors if summary else (0 if outcome == runs.INTERRUPTED else 1)
            runs.finish_run(self.catalogue, run_id, outcome, items_found=items, errors=errors, message=message)
            self._inflight.discard(task)
            self._record_next(source)
            level = (
                logging.INFO
                if outcome == runs.OK
                else logging.WARNING
                if outcome == runs.INTERRUPTED
                else logging.ERROR
            )
            extra = {"url": failed_url} if failed_url else {}
            log.log(
                level,
                "poll %s: %d item(s) found, %d error(s)%s",
                outcome,
                items,
                errors,
                f": {message}" if message else "",
                extra=extra,
            )
            current_source.reset(token)
            if outcome != runs.INTERRUPTED:
                self._ran_once(source.name)

    async def _defer_poll(self, source: ScheduledSource, defer: Callable[[Config, str], Awaitable[int | None]]) -> None:
        """Queue the poll for the workers; the poll job records its run (with what it found), not this daemon."""
        token = current_source.set(source.name)
        try:
            job = await defer(self.config, source.name)
        except Exception as exc:  # noqa: BLE001 - the queue briefly unreachable: the next fire tries again
            log.error("could not queue the poll: %s", describe(exc))
        else:
            log.info(f"poll queued as job {job}" if job is not None else "a poll job of this source is waiting")
        finally:
            current_source.reset(token)
        self._record_next(source)
        self._ran_once(source.name)

    def _record_next(self, source: ScheduledSource) -> None:
        job = self.scheduler.get_job(f"source:{source.name}")
        when = job.next_run_time if job is not None else None
        runs.set_next_run(self.catalogue, source.name, source.schedule.text, when)

    def _ran_once(self, name: str) -> None:
        self._pending_once.discard(name)
        if self.once and not self._pending_once:
            self.request_stop()
