"""The `[daemon]` config table as a typed dataclass (declared in `scraper.settings`)."""

from __future__ import annotations

from scraper.config import Config, section_settings
from scraper.settings import DaemonSettings


def daemon_settings(config: Config) -> DaemonSettings:
    """Validated and parsed when the config loaded (range of misfire_fraction, housekeeping schedule)."""
    return section_settings(config, "daemon", DaemonSettings)
