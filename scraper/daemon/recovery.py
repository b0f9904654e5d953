"""Start-up recovery after a crash: move WARC bytes the catalogue never committed into quarantine.

A daemon or `fetch` killed after its last append leaves that append's bytes (or a whole new
file) past what the catalogue committed; `warcio check` fails on a torn tail, and the WARC
store never appends after one. `WarcStore.recover` moves such files and tails into
`<data>/quarantine/` under the store's lock, never deleting a byte (issue 26: an emptied
catalogue once made this step delete a WARC holding 9 captures). Each move is logged;
`archive verify` and `status` keep naming the quarantine until `archive reindex` has
catalogued what it holds.
"""

from __future__ import annotations

import logging

from archive.catalogue import Catalogue
from archive.warc import WarcStore
from scraper.config import Config

log = logging.getLogger("takedowns.daemon")


def quarantine_uncommitted(config: Config, catalogue: Catalogue) -> int:
    """Recover every WARC file; return how many needed it."""
    done = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes).recover()
    for line in done:
        log.warning("%s", line)
    return len(done)
