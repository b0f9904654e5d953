"""Every extraction runs in a worker process under `[extract]` CPU, memory and wall-clock limits.

A page over them costs that process only: the caller gets an ExtractLimitError, a poll records the
item as failed (stage extract, tried again later) with its capture stored, and goes on; cancelling
the caller kills the process at once."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest

from archive.catalogue import Catalogue
from archive.tables import Capture, DiscoveredItem, ReportRow
from archive.warc import read_response
from scraper.config import load_config
from scraper.errors import ExtractError, ExtractLimitError, FetchError
from scraper.extract.pool import ExtractSettings, run_bounded

from ..conftest import make_config, run_cli
from ..discover.test_sources import report, rss
from .hostile_html import encoded, paragraph_flood

FLOOD_LINES = 20_000  # 1.1 MB, about 20 s of CPU to extract: far over the 1 s limit below


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def spin() -> None:
    while True:
        pass


def sleep_for(seconds: float) -> None:
    time.sleep(seconds)


def tell_pid_then_sleep(fifo: str) -> None:
    with open(fifo, "w") as out:
        out.write(str(os.getpid()))
    time.sleep(600)


def burn(seconds: float) -> int:
    """Use `seconds` of CPU; the worker's pid."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return os.getpid()


def raise_fetch_error() -> None:
    raise FetchError("a fetch error, whose constructor takes more than a message", url="http://x/", reason="test")


def limits(**kwargs) -> ExtractSettings:
    return ExtractSettings(
        **{"workers": 1, "cpu_seconds": 60, "memory_bytes": 256 * 2**20, "wall_seconds": 120.0, **kwargs}
    )


def test_a_job_within_its_limits_answers():
    assert asyncio.run(run_bounded(limits(), allocate, 16)) == 16 * 2**20


def test_a_job_over_its_memory_limit_fails_with_the_limit_named():
    with pytest.raises(ExtractLimitError, match=r"256 MiB memory limit \(\[extract\] memory_bytes\)"):
        asyncio.run(run_bounded(limits(), allocate, 512))


def test_a_job_over_its_cpu_limit_fails_with_the_limit_named():
    with pytest.raises(ExtractLimitError, match=r"1s CPU limit \(\[extract\] cpu_seconds\)"):
        asyncio.run(run_bounded(limits(cpu_seconds=1), spin))


def test_a_job_over_its_wall_time_is_killed():
    with pytest.raises(ExtractLimitError, match=r"more than 1s \(\[extract\] wall_seconds\)"):
        asyncio.run(run_bounded(limits(wall_seconds=1.0), sleep_for, 600))


def test_a_worker_takes_the_next_page_with_cpu_seconds_of_its_own_and_is_replaced_after_a_limit():
    async def scenario() -> tuple[list[int], int]:
        settings = limits(
            cpu_seconds=1, memory_bytes=200 * 2**20
        )  # a memory limit no other test uses: a worker of its own
        pids = [await run_bounded(settings, burn, 0.6) for _ in range(3)]  # 1.8 s in all: the limit is each page's
        with pytest.raises(ExtractLimitError):
            await run_bounded(settings, allocate, 400)
        return pids, await run_bounded(settings, burn, 0.0)

    pids, after = asyncio.run(scenario())
    assert len(set(pids)) == 1 and after != pids[0], (pids, after)


def test_the_jobs_own_errors_reach_the_caller():
    with pytest.raises(
        ExtractError, match="a fetch error, whose constructor"
    ):  # could not be unpickled as itself: said in words
        asyncio.run(run_bounded(limits(), raise_fetch_error))


def test_cancelling_the_caller_kills_the_process(tmp_path):
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)

    async def scenario() -> int:
        task = asyncio.create_task(run_bounded(limits(), tell_pid_then_sleep, str(fifo)))
        pid = int(await asyncio.to_thread(fifo.read_text))  # the process is running the job
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return pid

    pid = asyncio.run(scenario())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def poll(cfg) -> dict:
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    assert "Traceback" not in result.stderr
    [out] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize(("workers", "encoding"), [(0, "gzip"), (2, "br"), (2, "gzip")])
def test_a_page_over_its_extraction_limits_fails_alone_and_waits_for_its_retry(
    site_server, tmp_path, workers, encoding
):
    """A compressed page of `<p>` lines between two reports: the poll ends, the reports are kept, the
    page is stored (the WARC keeps its bytes) and its item fails at stage extract, listed by `failures`;
    a second poll does not try it again before its retry time."""
    page = encoded(paragraph_flood(FLOOD_LINES), encoding)
    paths = ["/news/first/", "/news/flood/", "/news/last/"]
    site_server.set(paths[0], report("Coordinated inauthentic behavior report one", 30))
    site_server.set(paths[1], page, Content_Encoding=encoding)
    site_server.set(paths[2], report("Coordinated inauthentic behavior report two", 40))
    urls = [site_server.url(p) for p in paths]
    site_server.set("/feed/", rss([(f"Report {n}", url, "We removed a network.") for n, url in enumerate(urls)]))
    cfg = make_config(
        tmp_path,
        f"[extract]\nworkers = {workers}\ncpu_seconds = 1\nwall_seconds = 60\n\n"
        f'[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\norg = "Meta"\n',
    )
    out = poll(cfg)
    assert out["failed"] == 1 and out["kept"] == 2, out
    failures = run_cli("failures", "--config", cfg, "--json")
    [failure] = json.loads(failures.stdout)
    assert failure["url"] == urls[1] and failure["stage"] == "extract" and not failure["gave_up"], failure
    assert "1s CPU limit ([extract] cpu_seconds)" in failure["reason"] and failure["next_try_at"], failure
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            captures = {c.url: c for c in s.query(Capture)}
            reported = {r.url for r in s.query(ReportRow)}
            decisions = {i.url: i.decision for i in s.query(DiscoveredItem)}
    finally:
        catalogue.dispose()
    assert set(captures) == set(urls) and reported == {urls[0], urls[2]}
    assert decisions == {urls[0]: "kept", urls[1]: "failed", urls[2]: "kept"}
    stored = read_response(tmp_path / "data" / captures[urls[1]].warc_path, captures[urls[1]].warc_offset)
    assert stored.raw_payload == page  # the capture is kept as it came over the wire

    asked = site_server.hits(paths[1])
    again = poll(cfg)
    assert again["waiting"] == 1 and again["failed"] == 0, again
    assert site_server.hits(paths[1]) == asked  # not fetched, not extracted again before its retry time
