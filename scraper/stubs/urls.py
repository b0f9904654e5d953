"""What DISARM's master spreadsheet already holds: the URLs it lists, as URL-identity keys
(`scraper.urls.normalise_url`), so they are never stubbed again, and the incident ids it
has used, so a curator never assigns one twice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scraper.errors import UserError
from scraper.urls import normalise_url


@dataclass(frozen=True)
class MasterSheet:
    urls: frozenset[str]  # normalised
    ids: frozenset[str]  # incident ids (I00001...) of the incidents sheet


@lru_cache(maxsize=4)
def _load_master(path: str, mtime: float) -> MasterSheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on bad files
        raise UserError(f"cannot read the DISARM master spreadsheet {path}: {exc}") from None
    urls: set[str] = set()
    ids: set[str] = set()
    try:
        if "urls" in workbook.sheetnames:
            for row in workbook["urls"].iter_rows(min_row=2, max_col=1, values_only=True):
                if row and isinstance(row[0], str) and row[0].startswith("http"):
                    urls.add(normalise_url(row[0]))
        if "incidents" in workbook.sheetnames:
            for row in workbook["incidents"].iter_rows(min_row=2, max_col=8, values_only=True):
                if row and isinstance(row[0], str) and row[0].strip():
                    ids.add(row[0].strip().upper())
                for url in str((row[7] if len(row) > 7 else None) or "").split():
                    if url.startswith("http"):
                        urls.add(normalise_url(url))
    finally:
        workbook.close()
    return MasterSheet(frozenset(urls), frozenset(ids))


def master_sheet(path: Path | None) -> MasterSheet:
    """What DISARM's master spreadsheet at `path` holds (nothing when no path is configured)."""
    if path is None:
        return MasterSheet(frozenset(), frozenset())
    if not path.is_file():
        raise UserError(f"DISARM master spreadsheet {path} not found: fix [stubs] disarm_master in the config")
    return _load_master(str(path), path.stat().st_mtime)


def master_urls(path: Path | None) -> frozenset[str]:
    """Normalised URLs DISARM already lists (urls sheet and incidents' urls column)."""
    return master_sheet(path).urls


def master_ids(path: Path | None) -> frozenset[str]:
    """Incident ids DISARM's master sheet already uses (upper case)."""
    return master_sheet(path).ids
