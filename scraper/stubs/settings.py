"""`[stubs]` settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scraper.config import Config
from scraper.errors import UserError


@dataclass(frozen=True)
class StubSettings:
    id_prefix: str = "TA-"
    disarm_master: Path | None = None
    cluster_window_days: int = 14
    feed_path: Path = Path("stubs.atom")

    @classmethod
    def from_config(cls, config: Config) -> StubSettings:
        table = config.section("stubs")
        prefix = table.get("id_prefix", "TA-")
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,15}", prefix) or re.fullmatch(r"I\d*", prefix):
            raise UserError(f"{config.path}: [stubs] id_prefix must be letters/digits/-/_ and must not look like DISARM's I00000 ids, got {prefix!r}")
        master = table.get("disarm_master", "")
        window = table.get("cluster_window_days", 14)
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise UserError(f"{config.path}: [stubs] cluster_window_days must be a non-negative whole number, got {window!r}")
        feed = table.get("feed_file", "stubs.atom")
        if not isinstance(master, str) or not isinstance(feed, str):
            raise UserError(f"{config.path}: [stubs] disarm_master and feed_file must be strings")
        return cls(
            id_prefix=prefix,
            disarm_master=config.resolve_path(master) if master else None,
            cluster_window_days=window,
            feed_path=config.data_dir / feed if not Path(feed).is_absolute() else Path(feed),
        )
