"""Whole per-page cost of the pipeline vs the two jobs it cannot avoid, same pages, same run.

Serves 200 report pages on 127.0.0.1 from a child process (the real pages of ../shared/corpus/html-pages plus
variations of the bundled takedown pages, as bench/extract_speed.py builds them) and feeds
them through a poll's item processing (`scraper.discover.poll.process`: fetch, WARC, catalogue,
extraction in `[extract] workers` processes, stubs; Wayback off), forced so every page is kept.
The baseline does, for the same bytes, a plain `trafilatura.extract` plus a warcio write of
one response record; it runs before and after the pipeline and the ratio is taken against
the mean of the two, so load that changes during the run hits both sides alike.
Prints pipeline / baseline wall time (goal <= 2.0 with both cores in use), CPU use (CPU
seconds of this process and every descendant, the pool's workers included, / (wall x cores)),
the cost of starting the pool's workers (done before the timed run, as the daemon does before
its first poll; the ratio with it counted is printed too),
the event loop's own CPU share (near 100% means the loop, not extraction, sets the pace), and
where the time went: wall seconds per pipeline step summed over pages (scraper/stagetimes.py;
steps overlap), with the CPU seconds of each step that runs whole in one thread, and
catalogue commits per page.

    python bench/pipeline.py [--pages 200]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import trafilatura
from sqlalchemy import event
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
from scraper.extract.pool import warm_up  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.stagetimes import TIMES  # noqa: E402

GOAL = 2.0


class PageSite:
    """GET /p/<i>.html serves page i of the corpus, from a child process: the publisher is not
    part of the pipeline (served from threads of this process it held the GIL the event loop
    needs). Its CPU seconds are printed apart and left out of the pipeline's CPU use."""

    def __init__(self, pages: list[bytes]) -> None:
        context = multiprocessing.get_context("fork")  # before any thread or pool of this process exists
        ours, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(pages, theirs), name="bench-pipeline-site", daemon=True)
        self.process.start()
        self.base: str = ours.recv()

    def url(self, i: int) -> str:
        return f"{self.base}/p/{i}.html"

    def cpu_seconds(self) -> float:
        return _process_cpu(self.process.pid or 0)

    def close(self) -> None:
        self.process.terminate()
        self.process.join()


def _serve(pages: list[bytes], conn: Connection) -> None:
    def respond(request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        body = pages[int(request.path.rsplit("/", 1)[-1].split(".")[0])]
        return Answer(200, body, {"Content-Type": "text/html; charset=utf-8"})

    server = LoopbackServer(respond, name="bench-pipeline")
    conn.send(server.base)
    server.httpd.serve_forever()


def cpu_seconds(site: PageSite) -> float:
    """User + system seconds of this process, its waited-for children (PDF readers) and every live
    descendant (the extraction pool's fork server and workers, which outlive a poll) but the site."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + _descendants_cpu(site.process.pid or 0)


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _descendants_cpu(leave_out: int = 0) -> float:
    """CPU seconds of the live descendants of this process, but `leave_out` and its own."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while listed
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        cpu[pid] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    mine, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in mine and pid != leave_out} - mine
        mine |= more
        grew = bool(more)
    return sum(cpu[pid] for pid in mine - {os.getpid()})


def baseline(pages: list[tuple[str, bytes]], out: Path) -> None:
    """Plain extraction plus a gzipped WARC response record of the same bytes."""
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            trafilatura.extract(html, url=url)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers)
            )


@dataclass
class Counts:
    commits: int = 0
    loop_cpu: float = 0.0  # CPU seconds of the thread running the event loop


async def through_pipeline(tmp: Path, site: PageSite, count: int, workers: int, counts: Counts) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = tmp / "config.toml"
    cfg.write_text(
        '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n[archive.wayback]\nenabled'
        " = false\n"
        f'[extract]\nworkers = {workers}\n[sources.bench]\nkind = "feed"\nurl = "{site.base}/feed"\n'
    )
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    [source] = load_sources(config)
    result = PollResult(source=source.name)

    def commit(_connection: object) -> None:
        counts.commits += 1

    event.listen(catalogue.engine, "commit", commit)
    TIMES.reset()
    loop_cpu = time.thread_time()
    async with HttpClient(config.http) as client:
        await process(
            config, catalogue, client, source, [Candidate(site.url(i)) for i in range(count)], result, forced=True
        )
    counts.loop_cpu = time.thread_time() - loop_cpu
    catalogue.dispose()
    if result.fetched != count:
        raise SystemExit(f"error: only {result.fetched} of {count} pages went through: {result.errors[:3]}")


def measure(site: PageSite, run: Callable[[], object]) -> tuple[float, float]:
    cpu0, t0 = cpu_seconds(site), time.perf_counter()
    run()
    return time.perf_counter() - t0, cpu_seconds(site) - cpu0


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
    counts = Counts()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
            served = [(site.url(i), html) for i, (_, html) in enumerate(pages)]
            before = measure(site, lambda: baseline(served, Path(tmp) / "baseline-1.warc.gz"))
            warm_wall, warm_cpu = measure(site, warm_up)  # as the daemon does before its first poll
            workers_cpu, site_cpu = _descendants_cpu(site.process.pid or 0), site.cpu_seconds()
            pipe_wall, pipe_cpu = measure(
                site, lambda: asyncio.run(through_pipeline(Path(tmp) / "pool", site, len(pages), args.workers, counts))
            )
            workers_cpu, site_cpu = _descendants_cpu(site.process.pid or 0) - workers_cpu, site.cpu_seconds() - site_cpu
            after = measure(site, lambda: baseline(served, Path(tmp) / "baseline-2.warc.gz"))
    finally:
        site.close()
    n = len(pages)
    base_wall, base_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    mean_kb = sum(len(h) for _, h in pages) / n / 1024
    print(
        f"{n} pages, mean {mean_kb:.0f} KB, {cores} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"baseline (trafilatura.extract + warcio write): {base_wall:.2f} s wall (before {before[0]:.2f}, after"
        f" {after[0]:.2f}), "
        f"CPU use {base_cpu / (base_wall * cores):.0%}"
    )
    print(
        f"pipeline (poll items, {args.workers} extract workers, Wayback off): {pipe_wall:.2f} s wall, CPU use"
        f" {pipe_cpu / (pipe_wall * cores):.0%}, "
        f"event loop thread busy {counts.loop_cpu / pipe_wall:.0%} of the wall time"
    )
    print(
        f"CPU seconds: {pipe_cpu:.2f} in all, {counts.loop_cpu:.2f} in the event loop thread, {workers_cpu:.2f} in"
        " worker processes "
        f"(their start included), {pipe_cpu - counts.loop_cpu - workers_cpu:.2f} in other threads (WARC store, HTTP"
        " client); "
        f"the page server process used {site_cpu:.2f} more"
    )
    print(
        f"catalogue commits by this process: {counts.commits / n:.1f} per page (with workers, the store and report row"
        " commit in them)"
    )
    print(
        "where the pipeline's time went (wall seconds summed over pages, steps overlap; CPU of steps run whole in one"
        " thread):"
    )
    for name, seconds in sorted(TIMES.seconds.items(), key=lambda kv: -kv[1]):
        cpu = f"{1000 * TIMES.cpu[name] / n:6.1f} ms/page CPU" if name in TIMES.cpu else " " * 17
        print(
            f"  {name:34} {seconds:7.2f} s  {1000 * seconds / n:6.1f} ms/page wall  {cpu}  {TIMES.calls[name]:5d} calls"
        )
    in_threads = sum(v for k, v in TIMES.cpu.items() if k != "extract" and not k.endswith("in a worker"))
    print(
        f"CPU of this process's threaded steps (GIL-serialised): {in_threads:.2f} s, {1000 * in_threads / n:.1f}"
        " ms/page"
    )
    if args.workers:
        print(
            f"starting the {args.workers} workers beforehand (as the daemon does; `takedowns poll` starts them on its"
            " first page): "
            f"{warm_wall:.2f} s wall, {warm_cpu:.2f} CPU s; ratio with that start counted:"
            f" {(pipe_wall + warm_wall) / base_wall:.2f}"
        )
    ratio = pipe_wall / base_wall
    print(f"per-page cost ratio: {ratio:.2f} (goal <= {GOAL}): {'met' if ratio <= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
