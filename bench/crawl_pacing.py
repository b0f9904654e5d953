"""Per-host pacing: 10 loopback hosts x 40 pages with a per-host delay d.

Prints makespan / (40 x d): 1.0 means every host was kept exactly at its pace
while all hosts ran in parallel. Goal: at most 1.15.
Run: .venv/bin/python bench/crawl_pacing.py [--delay 0.25]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._servers import Site  # noqa: E402
from scraper.config import HttpSettings  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402

HOSTS, PAGES = 10, 40


async def crawl(sites: list[Site], delay: float) -> float:
    settings = replace(
        HttpSettings(),
        allow_private_networks=True,
        per_host_delay=delay,
        per_host_concurrency=1,
        global_concurrency=HOSTS * 2,
    )
    async with HttpClient(settings) as client:
        for site in sites:  # robots.txt first, as a polite crawler would, outside the timed part
            await client.robots.check(site.url(0))
        start = time.monotonic()
        results = await asyncio.gather(*(client.fetch(site.url(n)) for n in range(PAGES) for site in sites))
        makespan = time.monotonic() - start
    assert all(r.status == 200 for r in results)
    return makespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.25, help="per-host delay d in seconds")
    args = parser.parse_args()
    sites = [Site(f"127.0.0.{i}") for i in range(2, 2 + HOSTS)]
    try:
        makespan = asyncio.run(crawl(sites, args.delay))
    finally:
        for site in sites:
            site.close()
    ideal = (PAGES - 1) * args.delay  # the first request of a host needs no wait
    print(f"hosts={HOSTS} pages/host={PAGES} delay={args.delay}s makespan={makespan:.2f}s")
    print(
        f"makespan / (40 x d) = {makespan / (PAGES * args.delay):.3f}  (goal <= 1.15; floor"
        f" {ideal / (PAGES * args.delay):.3f})"
    )


if __name__ == "__main__":
    main()
