"""The `[daemon]` config table, validated with one-line errors naming the key."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.config import Config, section_settings
from scraper.errors import UserError

from .schedule import parse_schedule, Schedule


@dataclass(frozen=True)
class DaemonSettings:
    grace_seconds: float = 30.0  # SIGTERM: how long in-flight polls may take to finish
    jitter_seconds: float = 60.0  # random delay added to each run (capped at a tenth of the period)
    failing_threshold_hours: float = 24.0  # `status` exits non-zero past this much failing
    misfire_fraction: float = 0.5  # a late run still starts within this fraction of its period
    housekeeping: str = "15m"  # how often pending archive jobs and the stub feed are refreshed
    run_on_start: bool = True  # a source never run before (or interrupted) runs at start

    @property
    def housekeeping_schedule(self) -> Schedule:
        return parse_schedule(self.housekeeping)


def daemon_settings(config: Config) -> DaemonSettings:
    settings = section_settings(config, "daemon", DaemonSettings)
    if settings.misfire_fraction > 1:
        raise UserError(f"{config.path}: [daemon] misfire_fraction must be between 0 and 1, got {settings.misfire_fraction}")
    try:
        settings.housekeeping_schedule
    except UserError as exc:
        raise UserError(f"{config.path}: [daemon] housekeeping: {exc}") from None
    return settings
