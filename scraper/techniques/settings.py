"""`[techniques]` settings (declared in the settings registry): DISARM's files, suggestions per stub.

Missing files are reported when a command needs them, not at config load, so the rest of the
tool works without DISARM's spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper.config import Config, section_settings
from scraper.settings import default


@dataclass(frozen=True)
class _Raw:
    framework: str = default("techniques", "framework")
    mappings: str = default("techniques", "mappings")
    stix_bundle: str = default("techniques", "stix_bundle")
    top: int = default("techniques", "top")


@dataclass(frozen=True)
class TechniqueSettings:
    framework: Path
    mappings: Path
    stix_bundle: Path
    cache_dir: Path
    top: int = 5

    @classmethod
    def from_config(cls, config: Config) -> TechniqueSettings:
        raw = section_settings(config, "techniques", _Raw)
        return cls(
            framework=config.resolve_path(raw.framework),
            mappings=config.resolve_path(raw.mappings),
            stix_bundle=config.resolve_path(raw.stix_bundle),
            cache_dir=config.data_dir / "techniques",
            top=raw.top,
        )
