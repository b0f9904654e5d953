"""Schedules and durations: an interval ("6h", "1h30m", "90s") or a cron string ("0 */6 * * *").

The one parser for `[sources.<name>] schedule` and `[daemon] housekeeping`.

Everything is UTC. The daemon computes a source's next run from its last run
in the catalogue, so a restart continues the schedule instead of restarting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from scraper.errors import UserError

if TYPE_CHECKING:  # APScheduler loads when a trigger is built: `status` parses interval schedules without it
    from apscheduler.triggers.base import BaseTrigger
    from apscheduler.triggers.cron import CronTrigger

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


@dataclass(frozen=True)
class Schedule:
    text: str
    interval: timedelta | None = None
    cron: str | None = None

    def period(self) -> timedelta:
        """The interval, or for cron the gap between its next two fire times."""
        if self.interval is not None:
            return self.interval
        trigger = self._cron_trigger()
        now = datetime.now(timezone.utc)
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1))
        return (second - first) if first and second else timedelta(days=1)

    def next_after(self, last: datetime) -> datetime:
        """When the run after one that started at `last` (aware UTC) is due."""
        if self.interval is not None:
            return last + self.interval
        nxt = self._cron_trigger().get_next_fire_time(None, last + timedelta(microseconds=1))
        return nxt or last + timedelta(days=365)

    def trigger(self, *, start: datetime, jitter: float) -> BaseTrigger:
        from apscheduler.triggers.interval import IntervalTrigger

        if self.interval is not None:
            return IntervalTrigger(
                seconds=self.interval.total_seconds(), start_date=start, jitter=jitter or None, timezone=timezone.utc
            )
        return self._cron_trigger(jitter)

    def _cron_trigger(self, jitter: float = 0) -> CronTrigger:
        from apscheduler.triggers.cron import CronTrigger

        return (
            CronTrigger.from_crontab(self.cron, timezone=timezone.utc)
            if not jitter
            else _with_jitter(self.cron, jitter)
        )


def _with_jitter(cron: str | None, jitter: float) -> CronTrigger:
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, dow = (cron or "").split()
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=dow, jitter=jitter, timezone=timezone.utc
    )


def parse_schedule(value: object) -> Schedule:
    """Parse a schedule from config; a one-line UserError says what is accepted."""
    if isinstance(value, timedelta):
        return _interval(str(value), value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _interval(f"{value}s", timedelta(seconds=value))
    if not isinstance(value, str) or not value.strip():
        raise UserError(f'schedule {value!r} is not an interval like "6h" or a cron string like "0 */6 * * *"')
    text = value.strip()
    compact = text.replace(" ", "").lower()
    if re.fullmatch(f"(?:{_INTERVAL.pattern})+", compact):
        seconds = sum(float(n) * _UNITS[u] for n, u in _INTERVAL.findall(compact))
        return _interval(text, timedelta(seconds=seconds))
    if len(text.split()) == 5:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(text, timezone=timezone.utc)
        except ValueError as exc:
            raise UserError(f"schedule {text!r} is not a valid cron string: {exc}") from None
        return Schedule(text=text, cron=text)
    raise UserError(
        f'schedule {text!r} is not an interval like "6h" or "1h30m" or a 5-field cron string like "0 */6 * * *"'
    )


def _interval(text: str, delta: timedelta) -> Schedule:
    if delta.total_seconds() <= 0:
        raise UserError(f"schedule {text!r} must be a positive interval")
    return Schedule(text=text, interval=delta)
