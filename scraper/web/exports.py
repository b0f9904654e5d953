"""Downloads: the very files `takedowns stubs export` writes, produced by the same code."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from archive.catalogue import Catalogue
from scraper.stubs import store
from scraper.stubs.sheets import export

# download name -> (export format, file it picks, media type)
DOWNLOADS = {
    "stubs-md.zip": ("md", None, "application/zip"),
    "incidents.csv": ("csv", "incidents.csv", "text/csv; charset=utf-8"),
    "urls.csv": ("csv", "urls.csv", "text/csv; charset=utf-8"),
    "stubs.xlsx": ("xlsx", "stubs.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def export_download(catalogue: Catalogue, name: str) -> tuple[bytes, str]:
    """Bytes and media type of one download; stubs chosen as `stubs export` does (new and accepted)."""
    fmt, picked, media = DOWNLOADS[name]
    with catalogue.session() as s:
        listing = store.load_listing(s, ("new", "accepted"), notes=True)  # a few queries, not a few per stub
        blanks = any(not st.year_started for st in listing.stubs)
        pages = [(store.to_page(s, st, listing, years_have_blanks=blanks), listing.notes(st)) for st in listing.stubs]
    with tempfile.TemporaryDirectory(prefix="takedowns-export-") as tmp:
        written = export(pages, fmt, Path(tmp))
        if picked is not None:
            return (Path(tmp) / picked).read_bytes(), media
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in written:
                zf.write(path, path.name)
        return buffer.getvalue(), media
