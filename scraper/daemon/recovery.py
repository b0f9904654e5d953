"""Start-up repair after a crash: cut WARC tails the catalogue never committed, drop WACZ build leftovers.

The WARC store already truncates a torn tail before its next append; a daemon
killed after its last append would otherwise leave that tail in place until
new bytes arrive, and `warcio check` would fail on the file meanwhile. This
does the same truncation for every file at start, under the store's lock.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import WarcFile
from archive.wacz import remove_leftover_temp
from archive.warc import WarcStore
from scraper.config import Config

log = logging.getLogger("takedowns.daemon")


def truncate_uncommitted_tails(config: Config, catalogue: Catalogue) -> int:
    """Truncate every catalogued WARC file to its committed size; return how many were cut."""
    store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
    cut = 0
    with store._locked(), catalogue.session() as s:  # the store's own flock: no append can interleave
        for warc in s.scalars(select(WarcFile)):
            path = config.data_dir / warc.path
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            if size > warc.committed_size:
                with open(path, "r+b") as f:
                    f.truncate(warc.committed_size)
                    os.fsync(f.fileno())
                log.warning("cut %d uncommitted byte(s) from %s (left by a crash)", size - warc.committed_size, warc.path)
                cut += 1
    return cut


def remove_wacz_leftovers(config: Config) -> int:
    """Remove `.wacz-*` build folders left by a process killed while packaging a capture."""
    removed = remove_leftover_temp(config.data_dir / "wacz")
    for path in removed:
        log.warning("removed %s (a WACZ build interrupted by a crash)", path.name)
    return len(removed)
