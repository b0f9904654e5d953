"""Re-polling unchanged pages: 400 pages fetched through the whole pipeline twice.

Prints the fraction of the second pass answered 304 (goal 1.0) and the WARC
bytes the second pass added relative to the first (goal under 2%).
Run: .venv/bin/python bench/repoll.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.catalogue import Catalogue  # noqa: E402
from archive.warc import WarcStore  # noqa: E402
from bench._servers import Site  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.pipeline.chain import capture_url  # noqa: E402

PAGES = 400


async def poll(config, catalogue, store, urls: list[str]) -> None:
    async with HttpClient(config.http) as client:
        for url in urls:
            await capture_url(config, catalogue, client, url, store=store)


def warc_bytes(config) -> int:
    return sum(p.stat().st_size for p in config.warc_dir.glob("*.warc.gz"))


def main() -> None:
    site = Site("127.0.0.1")
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(
            '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay ='
            " 0.0\n[archive.wayback]\nenabled = false\n"
        )  # never the internet
        config = load_config(str(cfg))
        catalogue = Catalogue(config.catalogue_url, migrate=True)
        store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
        urls = [site.url(n) for n in range(PAGES)]
        asyncio.run(poll(config, catalogue, store, urls))
        first = warc_bytes(config)
        site.statuses.clear()
        asyncio.run(poll(config, catalogue, store, urls))
        added = warc_bytes(config) - first
        catalogue.dispose()
    site.close()
    answered_304 = site.statuses.count(304) / PAGES
    print(f"pages={PAGES} first pass WARC bytes={first} second pass added={added}")
    print(f"second pass answered 304: {answered_304:.3f}  (goal 1.0)")
    print(f"WARC bytes added by second pass / first pass: {added / first:.4f}  (goal < 0.02)")


if __name__ == "__main__":
    main()
