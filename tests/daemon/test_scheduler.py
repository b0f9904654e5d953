"""The scheduler's job settings, in-process with a slow poll function (a unit test of the loop)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scraper.config import load_config
from scraper.daemon.adapter import PollSummary, ScheduledSource
from scraper.daemon.housekeeping import CHORES
from scraper.daemon.scheduler import Daemon
from scraper.schedule import parse_schedule

from .harness import daemon_config, query


def test_a_slow_source_never_overlaps_itself_and_others_keep_their_schedule(tmp_path):
    """Counted by events, not in a time window: each slow run lasts until the fast source has
    completed FAST_RUNS runs since it began, so it spans several of its own 0.2 s periods (a
    second instance would start inside it) and finishes only if the fast source kept running
    meanwhile. The daemon stops once the fast source has run FAST_RUNS * SLOW_RUNS times; its
    `duration` is a hang guard that only a scheduler holding up the fast source reaches."""
    cfg_path = daemon_config(tmp_path, "", misfire_fraction=0.5)
    config = load_config(str(cfg_path))
    active: dict[str, int] = {"slow": 0, "fast": 0}
    overlaps: list[str] = []
    fast_done = 0
    fast_seen_by_slow: list[int] = []  # fast runs completed while each slow run was running
    FAST_RUNS, SLOW_RUNS = 3, 2

    async def poller(_config, _catalogue, _client, source):
        nonlocal fast_done
        active[source.name] += 1
        if active[source.name] > 1:
            overlaps.append(source.name)
        try:
            if source.name == "slow":
                began = fast_done
                while fast_done < began + FAST_RUNS:
                    await fast_ran.wait()
                    fast_ran.clear()
                fast_seen_by_slow.append(fast_done - began)
            else:
                await asyncio.sleep(0)
                fast_done += 1
                fast_ran.set()
                if fast_done >= FAST_RUNS * SLOW_RUNS:
                    daemon.request_stop()
        finally:
            active[source.name] -= 1
        return PollSummary(items_found=1, errors=0, error=None)

    fast_ran = asyncio.Event()
    sources = [ScheduledSource("slow", parse_schedule("0.2s")), ScheduledSource("fast", parse_schedule("0.2s"))]
    daemon = Daemon(config, sources=sources, poller=poller, duration=30.0)
    daemon.run()

    assert not overlaps, "max_instances=1: a source never runs twice at once"
    rows = query(cfg_path, "SELECT source, started_at, ended_at, outcome FROM source_runs ORDER BY id")
    slow = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for n, s, e, o in rows if n == "slow" and o == "ok"]
    fast = [r for r in rows if r[0] == "fast" and r[3] == "ok"]
    assert fast_seen_by_slow and all(n >= FAST_RUNS for n in fast_seen_by_slow), (
        "the slow source does not hold up the fast one"
    )
    assert slow and all(b[0] >= a[1] for a, b in zip(slow, slow[1:], strict=False)), (
        "the slow source's runs follow each other"
    )
    assert len(fast) >= FAST_RUNS * SLOW_RUNS


def _chore_jobs(tmp_path, housekeeping: str, now: datetime) -> list:
    """The housekeeping jobs a daemon adds, on a scheduler that is never started (nothing runs)."""
    config = load_config(str(daemon_config(tmp_path, "", housekeeping=housekeeping)))
    daemon = Daemon(config)
    daemon.scheduler = AsyncIOScheduler(timezone=timezone.utc)
    daemon.catalogue = None  # only passed to the chores, which never run here
    daemon._add_chore_jobs(CHORES, now)
    return daemon.scheduler.get_jobs()


def test_a_cron_housekeeping_schedule_fires_on_its_cron_times(tmp_path):
    """`housekeeping = "30 3 * * *"` runs the chores at 03:30 UTC each day, not every 24 h from start."""
    now = datetime(2026, 3, 10, 14, 7, 12, tzinfo=timezone.utc)
    jobs = _chore_jobs(tmp_path, "30 3 * * *", now)
    assert {job.id for job in jobs} == {f"chore:{chore.name}" for chore in CHORES}
    for job in jobs:
        assert isinstance(job.trigger, CronTrigger)
        fires, previous = [], None
        for _ in range(3):
            previous = job.trigger.get_next_fire_time(previous, previous or now)
            fires.append(previous)
            previous += timedelta(microseconds=1)
        assert fires == [datetime(2026, 3, day, 3, 30, tzinfo=timezone.utc) for day in (11, 12, 13)]


def test_an_interval_housekeeping_schedule_first_runs_soon_after_start(tmp_path):
    now = datetime(2026, 3, 10, 14, 7, 12, tzinfo=timezone.utc)
    for job in _chore_jobs(tmp_path, "15m", now):
        assert isinstance(job.trigger, IntervalTrigger) and job.trigger.interval == timedelta(minutes=15)
        assert job.next_run_time == now + timedelta(seconds=30)
        first = job.next_run_time
        assert job.trigger.get_next_fire_time(first, first) == first + timedelta(minutes=15)
