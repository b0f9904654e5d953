"""What `takedowns status` reports: per-source health and catalogue totals.

A source is *failing* when its runs since the last success all ended in error
and the first of them started longer ago than `[daemon] failing_threshold_hours`;
`status` then exits non-zero so it can serve as a container health check.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from archive.clock import utcnow
from archive.quarantine import quarantined
from archive.quickread import Reader, SourceHealth, source_health, totals
from scraper.config import Config
from scraper.disarm.locate import disarm_in_use

from . import adapter
from .lock import lock_holder
from .settings import daemon_settings


@dataclass
class SourceStatus:
    name: str
    enabled: bool
    kind: str
    schedule: str | None
    runs: int
    last_run_at: datetime | None
    last_outcome: str | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    items_found_last: int
    items_found_total: int
    next_run_at: datetime | None
    failing_since: datetime | None
    failing: bool  # failing for longer than the threshold


@dataclass
class Status:
    data_dir: str
    daemon_pid: int | None
    failing_threshold_hours: float
    sources: list[SourceStatus] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    disarm: dict[str, Any] = field(default_factory=dict)  # the DISARM data in use (scraper.disarm.locate)
    quarantined: list[str] = field(default_factory=list)  # WARC files moved aside (archive/quarantine.py), by name

    @property
    def healthy(self) -> bool:
        return not any(s.failing for s in self.sources if s.enabled)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["healthy"] = self.healthy
        out["daemon_running"] = self.daemon_pid is not None
        return out


def collect_status(config: Config, reader: Reader, *, now: datetime | None = None) -> Status:
    """Read with archive.quickread, without SQLAlchemy: this is the container health check (< 0.5 s)."""
    settings = daemon_settings(config)
    now = now or utcnow()
    threshold = timedelta(hours=settings.failing_threshold_hours)
    status = Status(
        data_dir=str(config.data_dir),
        daemon_pid=lock_holder(config.data_dir),
        failing_threshold_hours=settings.failing_threshold_hours,
    )
    configured = _configured_sources(config)
    health = source_health(reader)
    seen = {name for name, h in health.items() if h.runs}
    names = list(configured) + sorted(seen - set(configured))
    for name in names:
        h = health.get(name) or SourceHealth(source=name)
        source = configured.get(name)
        failing_for = h.failing_for(now)
        status.sources.append(
            SourceStatus(
                name=name,
                enabled=source is not None,
                kind=source.kind if source else "",
                schedule=source.schedule.text if source else h.schedule,
                runs=h.runs,
                last_run_at=h.last_run_at,
                last_outcome=h.last_outcome,
                last_success_at=h.last_success_at,
                last_error_at=h.last_error_at,
                last_error=h.last_error,
                items_found_last=h.items_found_last,
                items_found_total=h.items_found_total,
                next_run_at=h.next_run_at if source else None,
                failing_since=h.failing_since,
                failing=failing_for is not None and failing_for >= threshold,
            )
        )
    status.totals = totals(reader)
    in_use = disarm_in_use(config)
    status.disarm = {**in_use.to_dict(), "description": in_use.describe()}
    status.quarantined = [p.name for p in quarantined(config.data_dir)]
    return status


def _configured_sources(config: Config) -> dict[str, adapter.ScheduledSource]:
    return {s.name: s for s in adapter.load_sources(config)}
