"""The `[daemon]` config table as a typed dataclass."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.config import Config, section_settings
from scraper.schedule import Schedule, parse_schedule
from scraper.settings import default


@dataclass(frozen=True)
class DaemonSettings:
    """`[daemon]`: defaults and help live in the settings registry."""

    grace_seconds: float = default("daemon", "grace_seconds")
    jitter_seconds: float = default("daemon", "jitter_seconds")
    failing_threshold_hours: float = default("daemon", "failing_threshold_hours")
    misfire_fraction: float = default("daemon", "misfire_fraction")
    housekeeping: str = default("daemon", "housekeeping")
    run_on_start: bool = default("daemon", "run_on_start")
    item_max_tries: int = default("daemon", "item_max_tries")
    item_retry_seconds: float = default("daemon", "item_retry_seconds")

    @property
    def housekeeping_schedule(self) -> Schedule:
        return parse_schedule(self.housekeeping)


def daemon_settings(config: Config) -> DaemonSettings:
    """Validated when the config loaded (range of misfire_fraction, housekeeping schedule)."""
    return section_settings(config, "daemon", DaemonSettings)
