"""Soak benchmark: the real daemon polls loopback sources until it has made 5,000+ fetches.

Prints peak RSS at the end divided by RSS after the first 500 fetches (goal:
at most 1.2, i.e. memory does not creep as the catalogue and WARCs grow) and
fetches per second. Each source is a feed that gains a new report every few
polls, so the daemon keeps fetching feeds (mostly 304s), new report pages,
writing WARC records and extracting reports, as it would for months.

    python bench/soak.py [--fetches 5000] [--sources 12] [--every 0.25]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from scraper.devserver import Answer, LoopbackServer, Request

REPO = Path(__file__).resolve().parent.parent


class SoakSite(LoopbackServer):
    """Feeds /s{k}/feed.xml; each gains an item every `grow_every` requests; items /s{k}/r{i}/."""

    def __init__(self, sources: int, grow_every: int = 4, window: int = 10):
        self.fetches = 0
        self.lock = threading.Lock()
        self.feed_requests = [0] * sources
        self.grow_every, self.window = grow_every, window
        super().__init__(self.respond, name="soak-site")
        self.start()

    def respond(self, request: Request) -> Answer:
        with self.lock:
            self.fetches += 1
        return Answer(*self.answer(request.path, request.header("If-None-Match")))

    def answer(self, path: str, etag: str | None) -> tuple[int, bytes, dict[str, str]]:
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0].startswith("s") and parts[1] == "feed.xml":
            k = int(parts[0][1:])
            with self.lock:
                self.feed_requests[k] += 1
                newest = self.feed_requests[k] // self.grow_every
            body = self.feed(k, newest).encode()
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if etag == tag:
                return 304, b"", {"ETag": tag}
            return 200, body, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": tag}
        if len(parts) == 2 and parts[0].startswith("s") and parts[1].startswith("r"):
            k, i = int(parts[0][1:]), int(parts[1][1:])
            return 200, self.report(k, i).encode(), {"Content-Type": "text/html; charset=utf-8"}
        return 404, b"not found", {"Content-Type": "text/plain"}

    def feed(self, k: int, newest: int) -> str:
        items = "".join(
            f"<item><title>Removing coordinated inauthentic behavior: network {k}-{i}</title>"
            f"<link>{self.base}/s{k}/r{i}/</link><pubDate>Mon, 01 Feb 2021 10:00:00 +0000</pubDate>"
            f"<description>We removed a network for coordinated inauthentic behavior.</description></item>"
            for i in range(max(0, newest - self.window), newest + 1)
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Newsroom {k}</title>'
            f"<link>{self.base}/s{k}/</link><description>n</description>{items}</channel></rss>"
        )

    @staticmethod
    def report(k: int, i: int) -> str:
        paragraphs = "".join(
            f"<p>We removed {i + j} Facebook accounts, {k + j} Pages and {j + 1} Instagram accounts for coordinated "
            f"inauthentic behavior. The network {k}-{i} originated in country {j} and targeted audiences abroad.</p>"
            for j in range(6)
        )
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Removing coordinated inauthentic"
            f" behavior: network {k}-{i}</title>"
            f"<meta property='article:published_time' content='2021-02-01T10:00:00+00:00'></head>"
            "<body><article><h1>Removing coordinated inauthentic behavior: network"
            f" {k}-{i}</h1>{paragraphs}</article></body></html>"
        )


def config_text(site: SoakSite, sources: int, every: float) -> str:
    tables = "".join(
        textwrap.dedent(
            f"""
            [sources.soak-{k}]
            kind = "feed"
            url = "{site.base}/s{k}/feed.xml"
            org = "Meta"
            schedule = "{every}s"
            enabled = true
            """
        )
        for k in range(sources)
    )
    return (
        textwrap.dedent(
            """
        [data]
        dir = "data"
        [http]
        allow_private_networks = true
        per_host_delay = 0.0
        per_host_concurrency = 8
        [archive.wayback]
        enabled = false  # a benchmark never reaches the internet
        [daemon]
        jitter_seconds = 0.0
        grace_seconds = 5.0
        """
        )
        + tables
    )


def takedowns_command() -> list[str]:
    return [sys.executable, "-m", "scraper"]


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--every", type=float, default=0.25, help="each source's schedule, seconds")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    site = SoakSite(args.sources)
    with tempfile.TemporaryDirectory(prefix="takedowns-soak-") as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(config_text(site, args.sources, args.every))
        log = open(Path(tmp) / "daemon.log", "w")
        proc = subprocess.Popen(
            [*takedowns_command(), "--config", str(cfg), "run"],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        try:
            deadline = time.monotonic() + args.timeout
            while site.fetches < args.warmup:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"daemon stopped or stalled before {args.warmup} fetches:\n"
                        + (Path(tmp) / "daemon.log").read_text()[-3000:]
                    )
                time.sleep(0.05)
            warm_rss, warm_at, warm_fetches = rss_kib(proc.pid, "VmRSS"), time.monotonic(), site.fetches
            while site.fetches < args.fetches:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"daemon stopped or stalled at {site.fetches} fetches:\n"
                        + (Path(tmp) / "daemon.log").read_text()[-3000:]
                    )
                time.sleep(0.05)
            end_at, end_fetches = time.monotonic(), site.fetches
            peak = rss_kib(proc.pid, "VmHWM")
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(60)
        finally:
            if proc.poll() is None:
                proc.kill()
            log.close()
        rate = (end_fetches - warm_fetches) / (end_at - warm_at)
        ratio = peak / warm_rss
        print(
            f"fetches: {end_fetches} from {args.sources} sources every {args.every}s; daemon exit code after SIGTERM:"
            f" {code}"
        )
        print(
            f"RSS after {warm_fetches} fetches: {warm_rss / 1024:.1f} MiB; peak RSS at the end: {peak / 1024:.1f} MiB"
        )
        print(f"peak RSS / RSS after warm-up: {ratio:.3f} (goal <= 1.2) {'OK' if ratio <= 1.2 else 'OVER'}")
        print(f"fetches per second: {rate:.1f}")
        return 0 if ratio <= 1.2 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
