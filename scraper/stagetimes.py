"""Wall-clock seconds per pipeline step, summed over items: where a poll's time goes.

`bench/pipeline.py` prints them beside its ratio, so a reader sees which step to shrink.
Steps marked blocking run in the event loop without awaiting (catalogue commits, WARC
appends, stub matching): while they run nothing else in the process moves, so their sum
is a floor of the pass's wall time. Awaited steps (fetch, extraction in a worker) overlap
with other items, so their sums may exceed the wall time. Costs one `perf_counter` pair
per step; always on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # steps also run in threads (the WARC store)

    def add(self, name: str, elapsed: float) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
            self.calls[name] = self.calls.get(name, 0) + 1

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


TIMES = StageTimes()  # one per process: the steps of every poll in it


@contextmanager
def timed(name: str) -> Iterator[None]:
    """Add the wall time of the block to step `name` (also when it raises)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES.add(name, time.perf_counter() - start)
