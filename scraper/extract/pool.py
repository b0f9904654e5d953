"""Extraction in a bounded pool of worker processes, fed from the event loop.

Trafilatura and the count grammar are pure CPU: run in the event loop they would stall
fetching, the desk and every other source, and use one core of the machine. A poll
hands each page to one of `[extract] workers` processes (`in_worker`: the worker builds
its WARC records and runs `extract_report`, `scraper.pipeline.build_and_extract`; a
stored capture without a report goes through `extract_in_pool`) while the loop goes on
fetching the next pages (`scraper.discover.poll.process` keeps `workers + 2` items in
flight). `workers = 0` extracts in-process, as a single `fetch` does. PDFs are not read
here: their text comes from the limited PDF worker first (pdf_worker.py) and only the
text is passed in.

Workers come from a fork server started once per process with the extraction modules
already imported (`forkserver` with a preload): a worker starts in milliseconds, and is
never forked from the daemon itself, whose other threads (the desk, the HTTP client) may
hold locks a forked child would wait on for ever. Workers live as long as the process.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from scraper.settings import default

from . import extract_report
from .report import Report


@dataclass(frozen=True)
class ExtractSettings:
    """`[extract]` in config.toml (defaults declared once, in scraper.settings)."""

    workers: int = default("extract", "workers")


_pools: dict[int, ProcessPoolExecutor] = {}
# What extract_report imports on its first call (trafilatura, htmldate, the count grammar):
# imported once in the fork server, so no worker pays for it.
# scraper.pipeline: a poll's workers also build each page's WARC records (`scraper.pipeline.build_and_extract`).
PRELOAD = ["scraper.extract", "scraper.extract.documents", "scraper.extract.dates", "scraper.extract.networks", "htmldate", "scraper.pipeline"]
P = ParamSpec("P")
T = TypeVar("T")


def _context() -> multiprocessing.context.ForkServerContext:
    """The fork server every worker starts from, with the extraction modules preloaded."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _pool(workers: int) -> ProcessPoolExecutor:
    if workers not in _pools:
        _pools[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=_context())
    return _pools[workers]


def warm_up(workers: int) -> None:
    """Start the fork server and every worker now (a daemon does so before its first poll: starting
    them imports the extraction modules once, a few seconds on a busy machine). The pool starts a
    worker for each task submitted while none is idle, so `workers` tasks at once start them all."""
    if workers > 0:
        pool = _pool(workers)
        for started in [pool.submit(int) for _ in range(workers)]:
            started.result()


async def in_worker(workers: int, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in one of `workers` worker processes (`fn` and its arguments are pickled).

    A pool whose worker died (killed, out of memory) is broken for good: it is dropped here, so the
    next call starts a new one, and BrokenProcessPool reaches the caller of the call that saw it."""
    pool = _pool(workers)
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args, **kwargs))
    except BrokenProcessPool:
        if _pools.get(workers) is pool:
            del _pools[workers]
            pool.shutdown(wait=False, cancel_futures=True)
        raise


async def in_own_worker(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker process started for this call alone (from the same fork
    server: milliseconds), so that if it dies again it takes no other page's work with it."""
    with ProcessPoolExecutor(max_workers=1, mp_context=_context()) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args, **kwargs))


def extractor() -> Callable[..., Report]:
    """The extraction function workers run, looked up when a job is made (tests replace it here)."""
    return extract_report


async def extract_in_pool(workers: int, content: bytes, *, own_worker: bool = False, **kwargs: Any) -> Report:
    """`extract_report(content, **kwargs)` in a worker process (in this one when `workers` is 0).

    `own_worker`: in a worker started for this page alone (a page whose worker died is tried again so)."""
    if workers <= 0:
        return extract_report(content, **kwargs)
    if own_worker:
        return await in_own_worker(extract_report, content, **kwargs)
    return await in_worker(workers, extract_report, content, **kwargs)
