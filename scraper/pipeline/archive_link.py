"""Archive-link stage: an existing Wayback snapshot of the capture's URL, or a Save Page Now capture."""

from __future__ import annotations

from archive.catalogue import Catalogue
from archive.wayback import WaybackClient
from scraper.config import Config, wayback_settings

from .outcome import CaptureOutcome, stage


async def archive_capture(config: Config, catalogue: Catalogue, outcome: CaptureOutcome, *, wait: float | None) -> None:
    """Archive-link stage: the capture's public archive link (its WACZ is built from the WARC on demand,
    archive/wacz.py)."""
    capture = outcome.capture
    settings = wayback_settings(config)
    if not settings.enabled:
        outcome.archive_status, outcome.archive_detail = "disabled", "[archive.wayback] enabled = false"
        return
    with stage("archive"):
        async with WaybackClient(settings, catalogue, config.http.user_agent) as wayback:
            status = await wayback.archive_link(capture.url, capture_id=capture.id, wait=wait)
    outcome.archive_status, outcome.archive_link, outcome.archive_detail = status.status, status.link, status.detail
