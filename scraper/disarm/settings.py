"""`[disarm]` settings (declared in the settings registry): where DISARM's repository is read from."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.config import Config, section_settings
from scraper.settings import default


@dataclass(frozen=True)
class DisarmSettings:
    raw_base: str = default("disarm", "raw_base")
    api_base: str = default("disarm", "api_base")

    @classmethod
    def from_config(cls, config: Config) -> DisarmSettings:
        return section_settings(config, "disarm", cls)
