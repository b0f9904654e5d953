"""Every extraction runs in a process of its own under CPU, memory and wall-clock limits.

Trafilatura and the count grammar are pure CPU, and a hostile page makes them slow and big
(20 MB of `<p>` lines: 254 s and 913 MB). Run in the polling process they would stall fetching,
the desk and a stop signal, and could not be stopped. So each page is extracted in a process
started for it alone, which applies `[extract]` `cpu_seconds` and `memory_bytes` to itself
(setrlimit, as the PDF worker does) and is killed when it runs past `wall_seconds` or when its
task is cancelled (a daemon asked to stop): a page over its limits costs that process only and
fails alone (`ExtractLimitError`), and nothing here ever waits on it at exit.

A poll runs up to `[extract] workers` such processes at once (`run_bounded`: the process builds
the page's WARC records and extracts its report, `scraper.pipeline.build_and_extract`) while the
loop goes on fetching (`scraper.discover.poll.process` keeps `workers + 2` items in flight);
`workers = 0` extracts one page at a time after storing it, as a single `fetch` does. PDFs'
text comes from the PDF worker first (pdf_worker.py) and only the text is passed in.

Processes come from a fork server started once per process with the extraction modules already
imported (`forkserver` with a preload): one starts in about 20 ms, and is never forked from the
daemon itself, whose other threads (the desk, the HTTP client) may hold locks a forked child
would wait on for ever.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import signal
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, ParamSpec, TypeVar

from scraper.errors import ExtractError, ExtractLimitError, describe
from scraper.settings import default

from . import extract_report
from .pdf_child import apply_limits
from .report import Report


@dataclass(frozen=True)
class ExtractSettings:
    """`[extract]` in config.toml (defaults declared once, in scraper.settings)."""

    workers: int = default("extract", "workers")
    cpu_seconds: int = default("extract", "cpu_seconds")
    memory_bytes: int = default("extract", "memory_bytes")
    wall_seconds: float = default("extract", "wall_seconds")


# What extract_report imports on its first call (trafilatura, htmldate, the count grammar):
# imported once in the fork server, so no extraction process pays for it.
# scraper.pipeline: a poll's processes also build each page's WARC records (`scraper.pipeline.build_and_extract`).
PRELOAD = ["scraper.extract", "scraper.extract.documents", "scraper.extract.dates", "scraper.extract.networks", "htmldate", "scraper.pipeline"]
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


def _child(conn: Connection, cpu_seconds: int, memory_bytes: int) -> None:
    """In the extraction process: limit itself, run the job it is sent, send back ("ok", result) or ("error", exception)."""
    apply_limits(memory_bytes, cpu_seconds)
    try:
        fn, args, kwargs = conn.recv()
        answer: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except MemoryError:
        answer = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - handed to the caller, who raises it
        answer = ("error", _portable(exc))
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(("memory", None))


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
        return ExtractLimitError(f"extraction took more than the {settings.cpu_seconds}s CPU limit ([extract] cpu_seconds)")
    if exitcode == -signal.SIGKILL:
        return ExtractLimitError(f"the extraction process was killed (at its {settings.cpu_seconds}s CPU limit, or by the system for memory)")
    return ExtractLimitError(f"the extraction process died (exit {exitcode}) without an answer")


async def run_bounded(settings: ExtractSettings, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a process of its own under `settings`' limits (`fn` and its arguments are pickled).

    Raises ExtractLimitError when the process runs out of CPU time, memory or wall time, or dies; `fn`'s own
    exception otherwise. Cancelling the task kills the process at once: a stopping daemon never waits for it."""
    async with _slot(settings.workers):
        return await _run(settings, fn, args, kwargs)


async def _run(settings: ExtractSettings, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    context = _context()
    ours, theirs = context.Pipe()
    process = context.Process(target=_child, args=(theirs, settings.cpu_seconds, settings.memory_bytes), daemon=True)
    loop = asyncio.get_running_loop()
    sending: asyncio.Future[None] | None = None
    try:
        process.start()  # small arguments only: the job goes through the pipe, from a thread
        theirs.close()  # the process's end: once it ends, our end reads end-of-file
        async with asyncio.timeout(settings.wall_seconds):
            sending = loop.run_in_executor(None, ours.send, (fn, args, kwargs))  # pickled there too, off the loop
            await _readable(ours)
            try:
                await sending  # written in full before the answer could be read
            except OSError:
                pass  # the process died before reading all of it: its exit code says why, below
            try:
                status, value = await loop.run_in_executor(None, ours.recv)
            except (EOFError, OSError):
                await loop.run_in_executor(None, process.join)
                raise _limit_error(process.exitcode, settings) from None
    except TimeoutError:
        raise ExtractLimitError(f"extraction took more than {settings.wall_seconds:g}s ([extract] wall_seconds)") from None
    finally:
        if process.is_alive():  # cancelled (shutdown) or over its wall time: it must not outlive us
            process.kill()
        if process.pid is not None:
            await asyncio.shield(loop.run_in_executor(None, process.join))
        if sending is not None:  # ends at once with the process gone (a broken pipe: nobody's error), before the pipe closes
            await asyncio.shield(asyncio.wait([sending]))
            if not sending.cancelled():
                sending.exception()
        ours.close()
    if status == "memory":
        raise ExtractLimitError(f"extraction needed more than the {settings.memory_bytes // 2**20} MiB memory limit ([extract] memory_bytes)")
    if status == "error":
        raise value
    return value


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
    """`extract_report(content, **kwargs)` in a process of its own, under `settings`' limits."""
    return await run_bounded(settings, extractor(), content, **kwargs)


def extract_bounded_sync(settings: ExtractSettings, content: bytes, **kwargs: Any) -> Report:
    """`extract_bounded` for a caller without an event loop (`extract URL`, `reextract`)."""
    return asyncio.run(extract_bounded(settings, content, **kwargs))


