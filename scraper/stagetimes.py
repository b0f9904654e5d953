"""Wall-clock seconds per pipeline step, summed over items: where a poll's time goes.

`bench/pipeline.py` prints them beside its ratio, so a reader sees which step to shrink.
Steps overlap across items (a poll runs the catalogue commits, WARC appends and stub
matching in threads, and awaits fetches and a worker's WARC records and extraction), so their wall
sums may exceed the pass's wall time. A worker process times its own steps and sends them back
with each page (`merge`: named "..., in a worker"). Steps that run whole in one thread
(`in_thread`, or timed with `cpu=True`) also sum that thread's CPU seconds: in this process the
GIL serialises them, so their CPU sum is what it spends outside the workers, a floor of the
pass's wall time. Costs a clock pair or two per step; always on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # only steps timed with cpu=True
    _lock: threading.Lock = field(default_factory=threading.Lock)  # steps also run in threads (the WARC store)

    def add(self, name: str, elapsed: float, cpu: float | None = None) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
            self.calls[name] = self.calls.get(name, 0) + 1
            if cpu is not None:
                self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def reset(self) -> None:
        with self._lock:
            self.seconds.clear()
            self.calls.clear()
            self.cpu.clear()

    def steps(self) -> list[Step]:
        """The steps timed so far, as plain values (a worker process sends them back with its result)."""
        with self._lock:
            return [Step(name, seconds, self.calls[name], self.cpu.get(name)) for name, seconds in self.seconds.items()]

    def merge(self, steps: list[Step], suffix: str = "") -> None:
        """Add steps timed elsewhere (in a worker process), each renamed `name + suffix`."""
        with self._lock:
            for step in steps:
                name = step.name + suffix
                self.seconds[name] = self.seconds.get(name, 0.0) + step.seconds
                self.calls[name] = self.calls.get(name, 0) + step.calls
                if step.cpu is not None:
                    self.cpu[name] = self.cpu.get(name, 0.0) + step.cpu


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    calls: int
    cpu: float | None


TIMES = StageTimes()  # one per process: the steps of every poll in it


@contextmanager
def timed(name: str, *, cpu: bool = False) -> Iterator[None]:
    """Add the wall time of the block to step `name` (also when it raises); with `cpu`, this
    thread's CPU time too (only for a block that never awaits: other tasks' CPU would count)."""
    start, start_cpu = time.perf_counter(), time.thread_time() if cpu else 0.0
    try:
        yield
    finally:
        TIMES.add(name, time.perf_counter() - start, time.thread_time() - start_cpu if cpu else None)


async def in_thread(name: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a thread (asyncio.to_thread), timed there as step `name`, CPU included."""

    def run() -> T:
        with timed(name, cpu=True):
            return fn(*args, **kwargs)

    return await asyncio.to_thread(run)
