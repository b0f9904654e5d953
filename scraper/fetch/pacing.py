"""Politeness in time: a per-host minimum delay, per-host and global concurrency caps.

Many hosts proceed in parallel; requests to one host start at least `delay`
seconds apart and at most `per_host` at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .shared_pacing import SharedPacing


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    delay: float = 0.0


class Pacer:
    def __init__(self, *, delay: float, per_host: int, global_limit: int, shared: SharedPacing | None = None):
        """`shared`: also pace each host across worker processes (scraper/fetch/shared_pacing.py)."""
        self.delay = delay
        self.shared = shared
        self.per_host = max(1, per_host)
        self._global = asyncio.Semaphore(max(1, global_limit))
        self._hosts: dict[str, _Host] = {}

    def set_host_delay(self, host: str, delay: float) -> None:
        """Raise one host's delay (robots.txt Crawl-delay); never lowers it below the default."""
        self._host(host).delay = max(self.delay, delay)

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            self._hosts[host] = _Host(asyncio.Semaphore(self.per_host), delay=self.delay)
        return self._hosts[host]

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._host(host)
        async with state.semaphore, self._global:
            async with state.lock:
                wait = state.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                release = await self.shared.take(host) if self.shared is not None else None
                state.next_start = time.monotonic() + state.delay
            try:
                yield
            finally:
                if release is not None:
                    release(state.delay)
