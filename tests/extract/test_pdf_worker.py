"""PDFs are read in a limited worker process: bombs are stopped there, cancelling kills it."""

from __future__ import annotations

import asyncio
import os

import pytest

from scraper.extract import ExtractError, extract_report, pdf_worker
from scraper.extract.pdf_worker import (
    PdfLimitError,
    PdfLimits,
    PdfWorkerError,
    read_pdf_text,
    read_pdf_text_async,
)

from .pdf_bombs import broken_page_tree, content_stream_bomb, page_tree_bomb, small_report_pdf

SMALL_LIMITS = PdfLimits(
    max_pages=20, max_text_chars=100_000, cpu_seconds=20, memory_bytes=768 * 2**20, wall_seconds=60
)


def test_an_ordinary_pdf_is_read_through_the_worker():
    report = extract_report(small_report_pdf(3), url="https://example.org/r.pdf", content_type="application/pdf")
    assert "Page 3: we removed 7 Facebook accounts." in report.text
    assert report.title == "Page 1: we removed 7 Facebook accounts."


def test_page_tree_bomb_is_cut_at_the_page_limit():
    bomb = page_tree_bomb(19)  # a few KB declaring 524,288 pages
    assert len(bomb) < 5000
    pdf = read_pdf_text(bomb, SMALL_LIMITS)
    assert len(pdf.pages) == 20 and pdf.truncated
    assert all("Removed network page" in page for page in pdf.pages)


def test_page_tree_bomb_without_a_page_limit_hits_the_cpu_limit():
    limits = PdfLimits(max_pages=10**9, max_text_chars=10**12, cpu_seconds=1, memory_bytes=768 * 2**20, wall_seconds=60)
    with pytest.raises(PdfWorkerError, match="1s CPU limit"):
        read_pdf_text(page_tree_bomb(19), limits)


def test_a_broken_page_tree_is_a_broken_pdf_not_the_memory_limit():
    with pytest.raises(PdfWorkerError, match=r"cannot read the PDF: broken") as info:
        read_pdf_text(broken_page_tree(), SMALL_LIMITS)
    assert "memory" not in str(info.value) and not isinstance(info.value, PdfLimitError)


def test_text_output_is_capped():
    limits = PdfLimits(max_pages=1000, max_text_chars=100, cpu_seconds=20, memory_bytes=768 * 2**20, wall_seconds=60)
    pdf = read_pdf_text(page_tree_bomb(10), limits)
    assert sum(len(p) for p in pdf.pages) == 100 and pdf.truncated


def test_content_stream_bomb_is_stopped_by_the_memory_limit():
    bomb = content_stream_bomb(64)  # ~100 KB inflating to 64 MB of text operators
    assert len(bomb) < 200_000
    limits = PdfLimits(max_pages=10, max_text_chars=10**9, cpu_seconds=60, memory_bytes=512 * 2**20, wall_seconds=60)
    with pytest.raises(PdfWorkerError, match="512 MiB memory limit"):
        read_pdf_text(bomb, limits)
    with pytest.raises(ExtractError, match="memory limit"):
        extract_report(bomb, url="https://example.org/bomb.pdf", content_type="application/pdf", pdf_limits=limits)


def test_cancelling_the_async_read_kills_the_worker(monkeypatch):
    """A daemon told to stop cancels its tasks: the worker must die with the task, not run on."""
    started: list[asyncio.subprocess.Process] = []
    running: list[asyncio.Event] = []
    real_exec = asyncio.create_subprocess_exec

    async def spy(*args, **kwargs):
        process = await real_exec(*args, **kwargs)
        started.append(process)
        running[0].set()
        return process

    monkeypatch.setattr(pdf_worker.asyncio, "create_subprocess_exec", spy)
    limits = PdfLimits(
        max_pages=10**9, max_text_chars=10**12, cpu_seconds=600, memory_bytes=768 * 2**20, wall_seconds=600
    )

    async def run() -> None:
        running.append(asyncio.Event())
        task = asyncio.create_task(read_pdf_text_async(page_tree_bomb(19), limits))
        await running[0].wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    [process] = started
    assert process.returncode is not None  # killed and reaped before the cancellation finished
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)
