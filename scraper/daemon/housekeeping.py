"""Housekeeping jobs: poll pending Wayback jobs, regenerate the stub feed.

Both features live in other packages (`archive.wayback`, `scraper.stubs`);
when one is not installed its job is skipped with one log line, and the
daemon still runs the sources.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archive.catalogue import Catalogue
from scraper.config import Config

log = logging.getLogger("takedowns.daemon")


@dataclass(frozen=True)
class Chore:
    name: str
    module: str
    functions: tuple[str, ...]  # first one the module defines is called (config, catalogue)

    def resolve(self) -> Callable[..., Any] | None:
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return None
        return next((getattr(module, f) for f in self.functions if callable(getattr(module, f, None))), None)


CHORES = (
    Chore("wayback-pending", "archive.wayback", ("poll_pending_jobs", "poll_pending")),
    Chore("stub-feed", "scraper.stubs", ("regenerate_feed", "write_feed")),
)


def available_chores() -> list[tuple[Chore, Callable[..., Any]]]:
    found = []
    for chore in CHORES:
        fn = chore.resolve()
        if fn is None:
            log.info("housekeeping %s skipped: %s is not installed in this build", chore.name, chore.module)
        else:
            found.append((chore, fn))
    return found


async def run_chore(chore: Chore, fn: Callable[..., Any], config: Config, catalogue: Catalogue) -> None:
    """Run one chore; its failure is logged, never fatal to the daemon."""
    try:
        result: Any = fn(config, catalogue)
        if inspect.isawaitable(result):
            await result
        log.info("housekeeping %s done", chore.name)
    except Exception as exc:  # noqa: BLE001 - a chore must not stop the sources
        log.error("housekeeping %s failed: %s: %s", chore.name, exc.__class__.__name__, exc)

