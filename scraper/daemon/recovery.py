"""Start-up repair after a crash: cut WARC bytes the catalogue never committed.

The WARC store already truncates a torn tail before its next append; a daemon
killed after its last append would otherwise leave that tail (or a whole new
file) in place until new bytes arrive, and `warcio check` would fail on it
meanwhile. `WarcStore.repair` does it for every file, under the store's lock.
"""

from __future__ import annotations

import logging

from archive.catalogue import Catalogue
from archive.warc import WarcStore
from scraper.config import Config

log = logging.getLogger("takedowns.daemon")


def truncate_uncommitted_tails(config: Config, catalogue: Catalogue) -> int:
    """Repair every WARC file; return how many needed it."""
    done = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes).repair()
    for line in done:
        log.warning("%s (left by a crash)", line)
    return len(done)
