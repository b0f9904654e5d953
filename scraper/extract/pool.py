"""Every extraction runs in a worker process under CPU, memory and wall-clock limits.

Trafilatura and the count grammar are pure CPU, and a hostile page makes them slow and big
(20 MB of `<p>` lines: 254 s and 913 MB). Run in the polling process they would stall fetching,
the desk and a stop signal, and could not be stopped. So each page is extracted in a worker
process that limits its own address space (`[extract] memory_bytes`) and gives each page
`cpu_seconds` of CPU (setrlimit, as the PDF worker does), and that is killed when a page runs
past `wall_seconds` or its task is cancelled (a daemon asked to stop): a page over its limits
costs that process only and fails alone (`ExtractLimitError`), and nothing here ever waits on a
worker at exit. A worker that answered in time takes the next page (warm caches, no start-up).

A poll runs up to `[extract] workers` pages at once (`run_bounded`: the worker builds the page's
WARC records and extracts its report, `scraper.pipeline.extract_worker.build_and_extract`) while the loop goes
on fetching (`scraper.discover.poll.process` keeps `workers + 2` items in flight); `workers = 0`
extracts one page at a time after storing it, as a single `fetch` does. PDFs' text comes from
the PDF worker first (pdf_worker.py) and only the text is passed in.

Workers come from a fork server started once per process with the extraction modules already
imported (`forkserver` with a preload): one starts in about 20 ms, and is never forked from the
daemon itself, whose other threads (the desk, the HTTP client) may hold locks a forked child
would wait on for ever.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import pickle
import resource
import signal
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, ParamSpec, TypeVar

from scraper.errors import ExtractError, ExtractLimitError, describe
from scraper.settings import ExtractSettings  # `[extract]` in config.toml

from . import extract_report
from .pdf_child import apply_limits
from .report import Report

# What extract_report imports on its first call (trafilatura, htmldate, the count grammar):
# imported once in the fork server, so no extraction process pays for it.
# scraper.pipeline.extract_worker: what a worker runs (`extract_stored`, and `build_and_extract`, which also
# builds a page's WARC records).
PRELOAD = [
    "scraper.extract",
    "scraper.extract.documents",
    "scraper.extract.dates",
    "scraper.extract.networks",
    "htmldate",
    "scraper.pipeline.extract_worker",
]
P = ParamSpec("P")
T = TypeVar("T")
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _context() -> multiprocessing.context.ForkServerContext:
    """The fork server every extraction process starts from, with the extraction modules preloaded."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up() -> None:
    """Start the fork server now (a daemon does so before its first poll: it imports the extraction
    modules once, a few seconds on a busy machine), by running one empty process from it."""
    process = _context().Process(target=int, daemon=True)
    process.start()
    process.join()


def _slot(workers: int) -> asyncio.Semaphore:
    """At most `workers` extraction processes of this event loop at once (a poll has `workers + 2` items in flight)."""
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(max(1, workers))
    return _slots[loop]


def _serve(conn: Connection, memory_bytes: int) -> None:
    """In an extraction process: limit its memory, then run each job it is sent under a CPU limit of its own
    (the soft RLIMIT_CPU moved to the CPU used so far plus the job's seconds: past it, SIGXCPU ends the
    process), answering ("ok", result), ("error", exception) or ("memory", None). A process that ran out of
    memory answers and ends: it is not trusted with another page."""
    apply_limits(memory_bytes, 0)
    while True:
        try:
            fn, args, kwargs, cpu_seconds = conn.recv()
        except EOFError:
            return  # the caller is gone
        used = resource.getrusage(resource.RUSAGE_SELF)
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        try:
            answer: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            answer = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - handed to the caller, who raises it
            answer = ("error", _portable(exc))
        del fn, args, kwargs
        try:
            conn.send(answer)
        except MemoryError:
            answer = ("memory", None)
            conn.send(answer)
        if answer[0] == "memory":
            return


def _portable(exc: Exception) -> Exception:
    """`exc`, or an ExtractError saying the same, when `exc` cannot cross back to the caller (an
    exception whose constructor takes other arguments than its message does not unpickle)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any failure to cross means: send words instead
        portable = ExtractError(describe(exc))
        portable.__dict__.update({k: v for k, v in vars(exc).items() if k == "pipeline_stage"})
        return portable


def _limit_error(exitcode: int | None, settings: ExtractSettings) -> ExtractLimitError:
    """Why an extraction process ended without an answer."""
    if exitcode == -signal.SIGXCPU:
        return ExtractLimitError(
            f"extraction took more than the {settings.cpu_seconds}s CPU limit ([extract] cpu_seconds)"
        )
    if exitcode == -signal.SIGKILL:
        return ExtractLimitError(
            f"the extraction process was killed (at its {settings.cpu_seconds}s CPU limit, or by the system for memory)"
        )
    return ExtractLimitError(f"the extraction process died (exit {exitcode}) without an answer")


async def run_bounded(settings: ExtractSettings, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker process under `settings`' limits (`fn` and its arguments are pickled).

    Raises ExtractLimitError when the process runs out of CPU time, memory or wall time, or dies; `fn`'s own
    exception otherwise. Cancelling the task kills the process at once: a stopping daemon never waits for it."""
    async with _slot(settings.workers):
        return await _run(settings, fn, args, kwargs)


@dataclass
class _Worker:
    """One extraction process and our end of its pipe."""

    process: BaseProcess
    conn: Connection


_idle: dict[int, list[_Worker]] = {}  # by memory limit: processes waiting for their next page


def _worker(settings: ExtractSettings) -> _Worker:
    """An idle extraction process with these limits, or a new one (from the fork server: about 20 ms)."""
    idle = _idle.setdefault(settings.memory_bytes, [])
    while idle:
        worker = idle.pop()
        if worker.process.is_alive():
            return worker
        worker.conn.close()
    context = _context()
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, settings.memory_bytes), daemon=True)
    process.start()  # small arguments only: each job goes through the pipe, from a thread
    theirs.close()  # the process's end: once it ends, our end reads end-of-file
    return _Worker(process, ours)


async def _run(settings: ExtractSettings, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """One job in an extraction process; the process goes back to the idle ones only if it answered in time
    (and not out of memory). Otherwise it is killed: over its wall time, cancelled (a stopping daemon), dead."""
    worker = _worker(settings)
    loop = asyncio.get_running_loop()
    sending: asyncio.Future[None] | None = None
    reusable = False
    try:
        async with asyncio.timeout(settings.wall_seconds):
            sending = loop.run_in_executor(
                None, worker.conn.send, (fn, args, kwargs, settings.cpu_seconds)
            )  # pickled there, off the loop
            await _readable(worker.conn)
            try:
                await sending  # written in full before the answer could be read
            except OSError:
                pass  # the process died before reading all of it: its exit code says why, below
            try:
                status, value = await loop.run_in_executor(None, worker.conn.recv)
            except (EOFError, OSError):
                await loop.run_in_executor(None, worker.process.join)
                raise _limit_error(worker.process.exitcode, settings) from None
        reusable = status != "memory"
    except TimeoutError:
        raise ExtractLimitError(
            f"extraction took more than {settings.wall_seconds:g}s ([extract] wall_seconds)"
        ) from None
    finally:
        if reusable:
            _idle[settings.memory_bytes].append(worker)
        else:
            await _retire(worker, sending)
    if status == "memory":
        raise ExtractLimitError(
            f"extraction needed more than the {settings.memory_bytes // 2**20} MiB memory limit ([extract]"
            " memory_bytes)"
        )
    if status == "error":
        raise value
    return value


async def _retire(worker: _Worker, sending: asyncio.Future[None] | None) -> None:
    """Kill the process (it must not outlive its job) and wait for it, and for the thread writing to it."""
    loop = asyncio.get_running_loop()
    if worker.process.is_alive():
        worker.process.kill()
    await asyncio.shield(loop.run_in_executor(None, worker.process.join))
    if (
        sending is not None
    ):  # ends at once with the process gone (a broken pipe: nobody's error), before the pipe closes
        await asyncio.shield(asyncio.wait([sending]))
        if not sending.cancelled():
            sending.exception()
    worker.conn.close()


async def _readable(conn: Connection) -> None:
    """Wait, in the event loop, until the process answered or ended."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(conn.fileno(), wake)
    try:
        await ready
    finally:
        loop.remove_reader(conn.fileno())


def extractor() -> Callable[..., Report]:
    """The extraction function the processes run, looked up when a job is made (tests replace it here)."""
    return extract_report


async def extract_bounded(settings: ExtractSettings, content: bytes, **kwargs: Any) -> Report:
    """`extract_report(content, **kwargs)` in a worker process, under `settings`' limits."""
    return await run_bounded(settings, extractor(), content, **kwargs)


def extract_bounded_sync(settings: ExtractSettings, content: bytes, **kwargs: Any) -> Report:
    """`extract_bounded` for a caller without an event loop (`extract URL`, `reextract`)."""
    return asyncio.run(extract_bounded(settings, content, **kwargs))
