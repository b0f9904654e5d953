"""`[techniques]` settings: where DISARM's framework, mappings and STIX bundle are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper.config import Config, section_settings


@dataclass(frozen=True)
class _Raw:
    framework: str = ""
    mappings: str = ""
    stix_bundle: str = ""
    top: int = 5


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
        # DISARM_DATA_MASTER.xlsx is also [stubs] disarm_master: one file serves both when set there.
        mappings = raw.mappings or config.section("stubs").get("disarm_master", "") or "DISARM_DATA_MASTER.xlsx"
        framework = raw.framework or "DISARM_FRAMEWORKS_MASTER.xlsx"
        bundle = raw.stix_bundle or "DISARM.json"
        return cls(
            framework=config.resolve_path(framework),
            mappings=config.resolve_path(mappings),
            stix_bundle=config.resolve_path(bundle),
            cache_dir=config.data_dir / "techniques",
            top=max(1, raw.top),
        )
