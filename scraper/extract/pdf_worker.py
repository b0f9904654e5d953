"""PDF text is read in a separate process with limits, never in the daemon's process.

A PDF can be a bomb (a page tree that declares millions of pages, a content
stream that inflates to gigabytes); pdfium would spend minutes or gigabytes on
it. `pdf_child.py` runs as its own process under CPU-second, address-space,
page and output-size limits, and the caller waits for it with a wall-clock
timeout. The async form kills the worker when its task is cancelled, so a
daemon asked to stop (SIGTERM) never waits for an extraction.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from scraper.settings import PdfLimits  # `[extract.pdf]` in config.toml

CHILD = Path(__file__).with_name("pdf_child.py")


@dataclass
class PdfText:
    pages: list[str]
    meta: dict[str, str]
    truncated: bool = False  # more pages or text than the limits let through


class PdfWorkerError(Exception):
    """The worker could not read the PDF; the message says why, for an `ExtractError`."""


class PdfLimitError(PdfWorkerError):
    """The worker was stopped at its CPU, memory or time limit (not a broken PDF: tried again later)."""


def _command(limits: PdfLimits) -> list[str]:
    # -I: isolated (no site-packages from the user dir, no cwd on the path), -S not used: pypdfium2 is installed there
    return [sys.executable, "-I", str(CHILD), json.dumps(asdict(limits))]


def _interpret(returncode: int, stdout: bytes, limits: PdfLimits) -> PdfText:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL) or returncode == 128 + signal.SIGXCPU:
        raise PdfLimitError(f"reading the PDF took more than the {limits.cpu_seconds}s CPU limit (PDF bomb?)")
    if returncode < 0:  # killed by a signal: a C library that could not allocate aborts or crashes
        raise PdfLimitError(
            f"the PDF reader was stopped by signal {-returncode}, most likely at its {limits.memory_bytes // 2**20} MiB"
            " memory limit (PDF bomb?)"
        )
    if returncode != 0 or not stdout:
        raise PdfWorkerError(
            f"the PDF reader failed (exit {returncode}) without an answer: the PDF is most likely broken"
        )
    try:
        data = json.loads(stdout)
    except ValueError:
        raise PdfWorkerError("the PDF reader gave no readable answer") from None
    if "error" in data:
        raise (PdfLimitError if data.get("limit") else PdfWorkerError)(data["error"])
    return PdfText(pages=list(data["pages"]), meta=dict(data["meta"]), truncated=bool(data.get("truncated")))


def read_pdf_text(payload: bytes, limits: PdfLimits | None = None) -> PdfText:
    """Read a PDF's pages in a limited worker process (blocking)."""
    limits = limits or PdfLimits()
    try:
        done = subprocess.run(
            _command(limits), input=payload, capture_output=True, timeout=limits.wall_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise PdfLimitError(f"reading the PDF took more than {limits.wall_seconds:g}s (PDF bomb?)") from None
    return _interpret(done.returncode, done.stdout, limits)


async def read_pdf_text_async(payload: bytes, limits: PdfLimits | None = None) -> PdfText:
    """Read a PDF's pages in a limited worker process; cancelling the task kills the worker at once."""
    limits = limits or PdfLimits()
    process = await asyncio.create_subprocess_exec(
        *_command(limits),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(limits.wall_seconds):
            stdout, _ = await process.communicate(payload)
    except TimeoutError:
        raise PdfLimitError(f"reading the PDF took more than {limits.wall_seconds:g}s (PDF bomb?)") from None
    finally:
        if process.returncode is None:  # cancelled (shutdown) or timed out: the worker must not outlive us
            process.kill()
            await asyncio.shield(process.wait())
    assert process.returncode is not None  # communicate() returned: the worker has exited
    return _interpret(process.returncode, stdout, limits)
