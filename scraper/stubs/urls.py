"""URL identity for deduplication against DISARM's master data.

Two spellings of one report must match: scheme, `www.`, trailing slash, case of
the host, tracking parameters (utm_*, fbclid, ...), fragments, and Medium's
`medium.com/@DFRLab/...` vs `medium.com/dfrlab/...` forms.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from scraper.errors import UserError

TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "source", "s", "cmpid", "ncid", "mkt_tok", "_hsenc", "_hsmi"}


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path or "/"
    if host == "medium.com" and path.startswith("/@"):
        path = "/" + path[2:]  # medium.com/@DFRLab/x == medium.com/dfrlab/x
    if host in ("medium.com",) or host.endswith(".medium.com"):
        path = path.lower()
    path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS]
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


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
