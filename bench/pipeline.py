"""Whole per-page cost of the pipeline vs the two jobs it cannot avoid, same pages, same run.

Serves 200 report pages on 127.0.0.1 (the real pages of ../shared/corpus/html-pages plus
variations of the bundled takedown pages, as bench/extract_speed.py builds them) and feeds
them through a poll's item processing (`scraper.discover.poll.process`: fetch, WARC, catalogue,
extraction in `[extract] workers` processes, stubs; Wayback off), forced so every page is kept.
The baseline does, for the same bytes, a plain `trafilatura.extract` plus a warcio write of
one response record. Prints pipeline / baseline wall time (goal <= 2.0 with both cores in
use) and CPU utilisation (CPU seconds of this process and its children / (wall x cores)).

    python bench/pipeline.py [--pages 200]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.catalogue import Catalogue  # noqa: E402
from bench.extract_speed import corpus  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402
from scraper.discover.candidate import Candidate  # noqa: E402
from scraper.discover.poll import PollResult, process  # noqa: E402
from scraper.discover.sources import load_sources  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402

GOAL = 2.0


class PageSite(LoopbackServer):
    """GET /p/<i>.html serves page i of the corpus."""

    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        super().__init__(self.respond, name="bench-pipeline")
        self.start()

    def respond(self, request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        body = self.pages[int(request.path.rsplit("/", 1)[-1].split(".")[0])]
        return Answer(200, body, {"Content-Type": "text/html; charset=utf-8"})

    def url(self, i: int) -> str:  # type: ignore[override]
        return f"{self.base}/p/{i}.html"


def cpu_seconds() -> float:
    """User + system seconds of this process and its waited-for children (PDF / pool workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def baseline(pages: list[tuple[str, bytes]], out: Path) -> None:
    """Plain extraction plus a gzipped WARC response record of the same bytes."""
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            trafilatura.extract(html, url=url)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers))


async def through_pipeline(tmp: Path, site: PageSite, count: int, workers: int) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = tmp / "config.toml"
    cfg.write_text(
        '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n[archive.wayback]\nenabled = false\n'
        f'[extract]\nworkers = {workers}\n[sources.bench]\nkind = "feed"\nurl = "{site.base}/feed"\n'
    )
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url)
    [source] = load_sources(config)
    result = PollResult(source=source.name)
    async with HttpClient(config.http) as client:
        await process(config, catalogue, client, source, [Candidate(site.url(i)) for i in range(count)], result, forced=True)
    catalogue.dispose()
    if result.fetched != count:
        raise SystemExit(f"error: only {result.fetched} of {count} pages went through: {result.errors[:3]}")


def measure(run: Callable[[], object]) -> tuple[float, float]:
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    run()
    return time.perf_counter() - t0, cpu_seconds() - cpu0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="[extract] workers for the pipeline run")
    args = parser.parse_args()
    pages = corpus()[: args.pages]
    if len(pages) < args.pages:
        sys.exit(f"error: only {len(pages)} pages available; pass --pages {len(pages)} or fewer")
    cores = os.cpu_count() or 1
    site = PageSite([html for _, html in pages])
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
            served = [(site.url(i), html) for i, (_, html) in enumerate(pages)]
            base_wall, base_cpu = measure(lambda: baseline(served, Path(tmp) / "baseline.warc.gz"))
            pipe_wall, pipe_cpu = measure(lambda: asyncio.run(through_pipeline(Path(tmp) / "pool", site, len(pages), args.workers)))
    finally:
        site.close()
    mean_kb = sum(len(h) for _, h in pages) / len(pages) / 1024
    print(f"{len(pages)} pages, mean {mean_kb:.0f} KB, {cores} cores")
    print(f"baseline (trafilatura.extract + warcio write): {base_wall:.2f} s wall, CPU use {base_cpu / (base_wall * cores):.0%}")
    print(f"pipeline (poll items, {args.workers} extract workers, Wayback off): {pipe_wall:.2f} s wall, CPU use {pipe_cpu / (pipe_wall * cores):.0%}")
    ratio = pipe_wall / base_wall
    print(f"per-page cost ratio: {ratio:.2f} (goal <= {GOAL}): {'met' if ratio <= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
