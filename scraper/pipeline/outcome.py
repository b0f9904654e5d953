"""What one URL's pass through the pipeline yields (`CaptureOutcome`), and on failure the stage it failed in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from archive.tables import Capture
from scraper.errors import ExtractLimitError
from scraper.extract.report import Report
from scraper.stubs import StubOutcome

STAGES = ("fetch", "store", "extract", "archive", "stub")


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Label an exception escaping this block with the pipeline stage it came from.

    A poll records a failed item with its stage (`takedowns failures`); the
    exception itself is re-raised unchanged, so callers and exit codes see no difference.
    """
    try:
        yield
    except Exception as exc:
        if not hasattr(exc, "pipeline_stage"):
            exc.pipeline_stage = name  # type: ignore[attr-defined]
        raise


def failed_stage(exc: BaseException) -> str:
    """The stage an exception from `capture_url` was raised in ("catalogue" when outside any)."""
    return getattr(exc, "pipeline_stage", "catalogue")


@dataclass
class CaptureOutcome:
    capture: Capture
    is_new: bool  # new bytes were written to a WARC
    unchanged: bool  # the server said 304, or the payload digest matched a stored capture
    report: Report | None = None
    report_error: str | None = None
    archive_status: str | None = None  # success | pending | error | disabled
    archive_link: str | None = None
    archive_detail: str = ""
    stub: StubOutcome | None = None
    over_limits: ExtractLimitError | None = (
        None  # extraction stopped at its limits: the item fails, to be tried again later
    )
