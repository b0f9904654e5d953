"""The URLs DISARM's master spreadsheet already lists, as URL-identity keys
(`scraper.urls.normalise_url`), so they are never stubbed again."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scraper.errors import UserError
from scraper.urls import normalise_url


@lru_cache(maxsize=4)
def _load_master(path: str, mtime: float) -> frozenset[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on bad files
        raise UserError(f"cannot read the DISARM master spreadsheet {path}: {exc}") from None
    urls: set[str] = set()
    try:
        if "urls" in workbook.sheetnames:
            for row in workbook["urls"].iter_rows(min_row=2, max_col=1, values_only=True):
                if row and isinstance(row[0], str) and row[0].startswith("http"):
                    urls.add(normalise_url(row[0]))
        if "incidents" in workbook.sheetnames:
            for row in workbook["incidents"].iter_rows(min_row=2, min_col=8, max_col=8, values_only=True):
                for url in str(row[0] or "").split():
                    if url.startswith("http"):
                        urls.add(normalise_url(url))
    finally:
        workbook.close()
    return frozenset(urls)


def master_urls(path: Path | None) -> frozenset[str]:
    """Normalised URLs DISARM already lists (urls sheet and incidents' urls column)."""
    if path is None:
        return frozenset()
    if not path.is_file():
        raise UserError(f"DISARM master spreadsheet {path} not found: fix [stubs] disarm_master in the config")
    return _load_master(str(path), path.stat().st_mtime)
