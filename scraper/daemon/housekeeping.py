"""Housekeeping jobs the daemon runs beside the sources.

* wayback-pending: poll Save Page Now jobs still pending (a slow capture
  becomes a verified `web/<timestamp>/<url>` link on a later pass);
* stub-feed: rewrite the Atom feed of new stubs (curator actions made with
  the CLI while the daemon runs show up in it).

A chore's failure is logged and never stops the daemon.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from archive.catalogue import Catalogue
from archive.wayback import WaybackClient
from scraper.config import Config, wayback_settings
from scraper.errors import describe
from scraper.stubs import rewrite_feed

log = logging.getLogger("takedowns.daemon")


async def poll_wayback(config: Config, catalogue: Catalogue) -> None:
    settings = wayback_settings(config)
    if not settings.enabled:
        return
    async with WaybackClient(settings, catalogue, config.http.user_agent) as wayback:
        results = await wayback.poll_pending()
    for url, status in results:
        if status.status != "pending":
            log.info("archive job %s: %s", status.status, status.link or status.detail, extra={"url": url})
    resolved = sum(1 for _, s in results if s.status == "success")
    log.info("housekeeping wayback-pending: %d job(s) checked, %d resolved", len(results), resolved)


async def regenerate_stub_feed(config: Config, catalogue: Catalogue) -> None:
    path = rewrite_feed(config, catalogue)
    log.info("housekeeping stub-feed: rewrote %s", path)


@dataclass(frozen=True)
class Chore:
    name: str
    run: Callable[[Config, Catalogue], Awaitable[Any]]


CHORES = (Chore("wayback-pending", poll_wayback), Chore("stub-feed", regenerate_stub_feed))


async def run_chore(chore: Chore, config: Config, catalogue: Catalogue) -> None:
    """Run one chore; its failure is logged, never fatal to the daemon."""
    try:
        await chore.run(config, catalogue)
    except Exception as exc:  # noqa: BLE001 - a chore must not stop the sources
        log.error("housekeeping %s failed: %s", chore.name, describe(exc))
        log.debug("housekeeping crashed", exc_info=True)
