"""The extract stage's settings: how many pages are extracted at once, and each one's limits."""

from __future__ import annotations

from dataclasses import replace

from scraper.config import Config, section_settings
from scraper.extract.pdf_worker import PdfLimits
from scraper.extract.pool import ExtractSettings


def extract_settings(config: Config, workers: int | None = None) -> ExtractSettings:
    """`[extract]`: how many pages are extracted at once (`workers`, unless given) and each one's limits."""
    settings = section_settings(config, "extract", ExtractSettings)
    return settings if workers is None else replace(settings, workers=workers)


def pdf_limits(config: Config) -> PdfLimits:
    """`[extract.pdf]`: the PDF worker's page, text, CPU, memory and time limits."""
    return section_settings(config, "extract.pdf", PdfLimits)
