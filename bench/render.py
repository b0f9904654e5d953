"""Browser capture: rendered vs plain fetch time, peak memory with 4 contexts, memory after 500 pages.

Loopback pages whose report text is written by a script, each loading an image from
a second loopback host. Prints:
- rendered / plain time for the same pages through the whole pipeline (capture_url);
- peak PSS (proportional set size) of this process plus its Chromium processes while 4 contexts render at once;
- that PSS after 500 rendered pages / after 50 (goal <= 1.3), and Chromium
  processes left after the pool is closed (goal 0).
Wayback is off. `--quick` uses 10 pipeline pages and 20 / 100 renders.

    python bench/render.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.catalogue import Catalogue  # noqa: E402
from archive.warc import WarcStore  # noqa: E402
from scraper.config import Config, load_config  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402
from scraper.fetch.browser import BrowserPool, RenderSettings, render_unavailable  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.pipeline.chain import capture_url  # noqa: E402

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
FILLER = "The operators posed as local journalists and wrote about regional politics in several languages. "


def scripted_page(n: int, asset: str) -> bytes:
    sentence = (
        f"Today we removed {n + 10} Facebook accounts and {n % 7 + 1} Pages for coordinated inauthentic behavior."
    )
    return (
        f"<html lang='en'><head><title>Scripted report {n}</title></head><body><article id='a'><h1>Scripted report"
        f" {n}</h1></article>"
        f"<img src='{asset}'><script>const p = document.createElement('p'); p.textContent ="
        f" {json.dumps(sentence + ' ' + FILLER * 8)};"
        "document.getElementById('a').appendChild(p);</script></body></html>"
    ).encode()


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def tree_rss(pids: list[int]) -> int:
    """Proportional set size (shared pages divided among their users) of `pids`, from /proc.

    Plain RSS would count Chromium's shared memory once per process."""
    total = 0
    for p in pids:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration, ValueError):
            pass
    return total


def alive(pids: set[int]) -> int:
    """How many of `pids` still run (zombies excluded)."""
    count = 0
    for p in pids:
        try:
            if Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                count += 1
        except OSError:
            continue
    return count


class PeakSampler(threading.Thread):
    """Samples this process tree every 100 ms until stopped: peak PSS, and every process it ever had."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.seen: set[int] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = descendants(os.getpid())
            self.seen.update(pids)
            self.peak = max(self.peak, tree_rss(pids))
            self.stop.wait(0.1)


async def pipeline(config: Config, urls: list[str], render: bool) -> float:
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
    t0 = time.perf_counter()
    async with HttpClient(config.http) as client:
        if render:
            async with BrowserPool(RenderSettings.from_config(config), client) as browser:
                for url in urls:
                    await capture_url(config, catalogue, client, url, store=store, browser=browser)
        else:
            for url in urls:
                await capture_url(config, catalogue, client, url, store=store)
    catalogue.dispose()
    return time.perf_counter() - t0


async def renders(config: Config, urls: list[str], total: int, checkpoint: int) -> tuple[int, int, int, int]:
    """Render `total` pages 4 at a time; return peak tree PSS, PSS at `checkpoint` and at the end,
    and how many of the processes the pool started still run after it closed."""
    sampler = PeakSampler()
    sampler.start()
    at_checkpoint = 0
    async with HttpClient(config.http) as client:
        settings = RenderSettings.from_config(config)
        async with BrowserPool(settings, client) as browser:
            done = 0
            while done < total:
                batch = [urls[(done + i) % len(urls)] for i in range(min(4, total - done))]
                await asyncio.gather(*(browser.render(u, respect_robots=True) for u in batch))
                done += len(batch)
                if not at_checkpoint and done >= checkpoint:  # batches of 4: the first one at or past it (52 for 50)
                    at_checkpoint = tree_rss(descendants(os.getpid()))
            at_end = tree_rss(descendants(os.getpid()))
    sampler.stop.set()
    sampler.join()
    return sampler.peak, at_checkpoint, at_end, alive(sampler.seen - {os.getpid()})


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    logging.getLogger("takedowns").setLevel(
        logging.ERROR
    )  # the plain fetch of a script-built page has no text: expected
    pages, checkpoint, total = (10, 20, 100) if args.quick else (50, 50, 500)
    if problem := render_unavailable(RenderSettings()):
        sys.exit(f"error: {problem}")
    assets = LoopbackServer(lambda r: Answer(200, PNG_1PX, {"Content-Type": "image/png"}), name="bench-render-assets")
    assets.start()

    def respond(request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        n = int(request.path.rsplit("/", 1)[-1])
        return Answer(
            200, scripted_page(n, f"{assets.base}/pixel-{n}.png"), {"Content-Type": "text/html; charset=utf-8"}
        )

    site = LoopbackServer(respond, name="bench-render-site")
    site.start()
    urls = [f"{site.base}/report/{n}" for n in range(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        configs = {}
        for name in ("plain", "rendered", "memory"):
            folder = Path(tmp) / name
            folder.mkdir()
            (folder / "config.toml").write_text(
                '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n'
                "[archive.wayback]\nenabled = false\n[render]\ncontexts = 4\n"
            )
            configs[name] = load_config(str(folder / "config.toml"))
        plain = asyncio.run(pipeline(configs["plain"], urls, render=False))
        rendered = asyncio.run(pipeline(configs["rendered"], urls, render=True))
        peak, at_checkpoint, at_end, left = asyncio.run(renders(configs["memory"], urls, total, checkpoint))
    site.close()
    assets.close()
    mb = 1024 * 1024
    print(
        f"pipeline over {pages} loopback pages: plain {plain:.2f} s, rendered {rendered:.2f} s; rendered / plain ="
        f" {rendered / plain:.1f}"
    )
    print(f"peak PSS (this process + Chromium) with 4 contexts: {peak / mb:.0f} MB")
    print(
        f"PSS after {total} rendered pages / after {checkpoint}: {at_end / mb:.0f} / {at_checkpoint / mb:.0f} MB ="
        f" {at_end / at_checkpoint:.2f}  (goal <= 1.3)"
    )
    print(f"processes the browser pool started that still run after it closed: {left}  (goal 0)")


if __name__ == "__main__":
    main()
