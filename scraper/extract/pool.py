"""Extraction in a bounded pool of worker processes, fed from the event loop.

Trafilatura and the count grammar are pure CPU: run in the event loop they would stall
fetching, the desk and every other source, and use one core of the machine. A poll
hands each page to `extract_in_pool`, which runs `extract_report` in one of
`[extract] workers` processes while the loop goes on fetching the next pages
(`scraper.discover.poll.process` keeps `workers + 1` items in flight). `workers = 0`
extracts in-process, as a single `fetch` does. PDFs are not read here: their text
comes from the limited PDF worker first (pdf_worker.py) and only the text is passed in.

Workers are forked from the running process (they share its imported modules, so a
pool starts in milliseconds) and live as long as it does.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scraper.settings import default

from . import extract_report
from .report import Report


@dataclass(frozen=True)
class ExtractSettings:
    """`[extract]` in config.toml (defaults declared once, in scraper.settings)."""

    workers: int = default("extract", "workers")


_pools: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    if workers not in _pools:
        _pools[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    return _pools[workers]


async def extract_in_pool(workers: int, content: bytes, **kwargs: Any) -> Report:
    """`extract_report(content, **kwargs)` in a worker process (in this one when `workers` is 0)."""
    if workers <= 0:
        return extract_report(content, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(workers), functools.partial(extract_report, content, **kwargs))
