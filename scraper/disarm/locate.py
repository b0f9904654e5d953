"""Which DISARM files the tool reads: the user's config paths, else the copy in use.

Resolved per file, so a curator can point `[techniques] framework` at a working copy while
the STIX bundle still comes from the download or the packaged snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.config import Config

from .source import FILES
from .store import DisarmCopy, current


@dataclass(frozen=True)
class DisarmInUse:
    copy: DisarmCopy  # the download or the packaged snapshot
    paths: dict[str, Path]  # [techniques] key -> file read
    overrides: dict[str, Path] = field(default_factory=dict)  # keys the config sets

    def describe(self) -> str:
        text = self.copy.describe()
        if self.overrides:
            text += "; from config.toml: " + ", ".join(f"{k} = {p}" for k, p in self.overrides.items())
        if self.copy.problem:
            text += f" (not used: {self.copy.problem})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.copy.to_dict(),
            "files": {k: str(p) for k, p in self.paths.items()},
            "config_overrides": sorted(self.overrides),
        }


def disarm_in_use(config: Config) -> DisarmInUse:
    raw = config.section("techniques")
    copy = current(config.data_dir)
    overrides = {f.key: config.resolve_path(raw[f.key]) for f in FILES if raw.get(f.key)}
    paths = {f.key: overrides.get(f.key, copy.path(f.name)) for f in FILES}
    return DisarmInUse(copy, paths, overrides)
