"""`[stubs]` settings (declared and validated in `scraper.settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper.config import Config
from scraper.settings import StubsTable

_DECLARED = StubsTable()  # the defaults, declared once with the `[stubs]` table


@dataclass(frozen=True)
class StubSettings:
    """`[stubs]` with its paths resolved and its feed URL filled in."""

    id_prefix: str = _DECLARED.id_prefix
    disarm_master: Path | None = None
    cluster_window_days: int = _DECLARED.cluster_window_days
    found_via: str = _DECLARED.found_via  # DISARM's short code or empty; the source goes in the stub's history
    feed_path: Path = Path(_DECLARED.feed_file)
    feed_url: str = ""  # the feed's public address (its self link)

    @classmethod
    def from_config(cls, config: Config) -> StubSettings:
        """Paths resolved: disarm_master against the config's folder (checked to
        exist when the config loaded), feed_file under the data folder; feed_url, when not set, where the
        desk serves the feed."""
        table = config.section("stubs")
        master, feed = table["disarm_master"], Path(table["feed_file"])
        return cls(
            id_prefix=table["id_prefix"],
            disarm_master=config.resolve_path(master) if master else None,
            cluster_window_days=table["cluster_window_days"],
            found_via=table["found_via"],
            feed_path=feed if feed.is_absolute() else config.data_dir / feed,
            feed_url=table["feed_url"] or desk_feed_url(config),
        )


FEED_ROUTE = "/feed.atom"


def desk_feed_url(config: Config) -> str:
    """Where the desk (`takedowns serve`, [web] host and port) serves the feed."""
    web = config.section("web")
    host = str(web["host"])
    if host in ("0.0.0.0", "::", ""):  # every interface: this machine's own name for it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{web['port']}{FEED_ROUTE}"
