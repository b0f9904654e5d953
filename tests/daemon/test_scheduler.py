"""The scheduler's job settings, in-process with a slow poll function (a unit test of the loop)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from scraper.config import load_config
from scraper.daemon.adapter import PollSummary, ScheduledSource
from scraper.daemon.scheduler import Daemon
from scraper.schedule import parse_schedule

from .harness import daemon_config, query


def test_a_slow_source_never_overlaps_itself_and_others_keep_their_schedule(tmp_path):
    cfg_path = daemon_config(tmp_path, "", misfire_fraction=0.5)
    config = load_config(str(cfg_path))
    active: dict[str, int] = {"slow": 0, "fast": 0}
    overlaps: list[str] = []

    async def poller(_config, _catalogue, _client, source):
        active[source.name] += 1
        if active[source.name] > 1:
            overlaps.append(source.name)
        await asyncio.sleep(1.2 if source.name == "slow" else 0.01)
        active[source.name] -= 1
        return PollSummary(items_found=1, errors=0, error=None)

    sources = [ScheduledSource("slow", parse_schedule("0.2s")), ScheduledSource("fast", parse_schedule("0.2s"))]
    Daemon(config, sources=sources, poller=poller, duration=2.0).run()

    assert not overlaps, "max_instances=1: a source never runs twice at once"
    rows = query(cfg_path, "SELECT source, started_at, ended_at, outcome FROM source_runs ORDER BY id")
    slow = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for n, s, e, o in rows if n == "slow" and o == "ok"]
    fast = [r for r in rows if r[0] == "fast" and r[3] == "ok"]
    assert 1 <= len(slow) <= 2, "missed runs of the slow source were skipped or coalesced, not queued"
    assert all(b[0] >= a[1] for a, b in zip(slow, slow[1:], strict=False))
    assert len(fast) >= 6, "the slow source does not hold up the fast one"
