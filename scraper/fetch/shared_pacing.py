"""Per-host pacing that holds across worker processes and machines, on the shared PostgreSQL catalogue.

Each request to a host first takes that host's PostgreSQL advisory lock, and the lock is
released `delay` seconds after the answer has come in: whichever worker takes it next sends
its request no sooner than that, however many workers there are, so no two requests reach the
host closer than `delay` (timed from the end of the answer, not the start of the request: a
worker slow to send after taking the lock cannot bring two requests closer together).

No table and no clock sync is needed (the server orders the lock holders), and a killed
worker's lock is released by the server when its session ends (a pause cut short by a SIGKILL
is the one case where two requests can come closer; a worker that stops normally waits out its
pauses first, `drain`). Waiting happens in the server on asynchronous connections, never in a
thread: a thread pool blocked on locks that other workers hold could not run the unlocks those
workers wait for. One connection is held per host being paced at that moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from scraper.stagetimes import timed

NAMESPACE = "takedowns-host:"
LOCK = "SELECT pg_advisory_lock(hashtextextended(%s, 0))"
UNLOCK = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"


def conninfo_of(catalogue_url: str) -> str:
    """A libpq URL from the catalogue's SQLAlchemy URL (`postgresql+psycopg://` -> `postgresql://`)."""
    scheme, sep, rest = catalogue_url.partition("://")
    if not sep or not scheme.startswith("postgresql"):
        raise ValueError('shared pacing needs a PostgreSQL catalogue ([catalogue] url = "postgresql+psycopg://...")')
    return f"postgresql://{rest}"


class SharedPacing:
    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._idle: list[Any] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: set[asyncio.Future[None]] = set()

    async def _connection(self) -> Any:
        import psycopg

        if self._idle:
            return self._idle.pop()
        return await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)

    async def take(self, host: str) -> Callable[[float], None]:
        """Return when this process may send a request to `host`, with the call that gives the host back
        (`release(delay)`: `delay` seconds from now, once the answer is in)."""
        with timed("pacing: the host's lock (connect + wait)"):
            conn = await self._connection()
            await conn.execute(LOCK, (NAMESPACE + host,))
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.add(done)
        done.add_done_callback(self._pending.discard)

        async def unlock() -> None:
            try:
                await conn.execute(UNLOCK, (NAMESPACE + host,))
                self._idle.append(conn)
            finally:
                done.set_result(None)

        def start_unlock() -> None:
            task = loop.create_task(unlock())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        def release(delay: float) -> None:
            loop.call_later(max(0.0, delay), start_unlock)

        return release

    async def drain(self) -> None:
        """Wait until every host this process took is given back after its delay: a worker that stops
        (its connections close, the server frees their locks) must not cut a pause short."""
        await asyncio.gather(*self._pending)
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
