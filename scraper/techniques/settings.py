"""`[techniques]` settings (declared in `scraper.settings`): DISARM's files, suggestions per stub.

Each file is the path the config sets, else the copy in use (`scraper.disarm.locate`: the
download in the data folder, else the packaged snapshot). A missing configured file is
reported when a command needs it, not at config load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper.config import Config, section_settings
from scraper.disarm.locate import disarm_in_use
from scraper.settings import TechniquesTable


@dataclass(frozen=True)
class TechniqueSettings:
    framework: Path
    mappings: Path
    stix_bundle: Path
    cache_dir: Path
    top: int

    @classmethod
    def from_config(cls, config: Config) -> TechniqueSettings:
        raw = section_settings(config, "techniques", TechniquesTable)
        paths = disarm_in_use(config).paths
        return cls(
            framework=paths["framework"],
            mappings=paths["mappings"],
            stix_bundle=paths["stix_bundle"],
            cache_dir=config.data_dir / "techniques",
            top=raw.top,
        )
