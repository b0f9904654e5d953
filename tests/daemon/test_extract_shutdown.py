"""SIGTERM while a hostile HTML page is being extracted: the daemon exits within its grace period,
killing the extraction process (it used to block in concurrent.futures' exit, or never see the signal)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from scraper.devserver import Answer, Request

from ..extract.hostile_html import encoded, paragraph_flood
from .harness import DaemonProcess, daemon_config, report_page, runs, source_table, wait_for

GRACE = 3.0
FLOOD_LINES = 60_000  # minutes of extraction CPU; the limits below let it run for ten


def descendants(pid: int) -> dict[int, int]:
    """Live descendants of `pid`, each with its depth below it (the fork server is 1, its processes 2)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if after_name[0] != "Z":
            parents[int(entry.name)] = int(after_name[1])
    depth: dict[int, int] = {}
    for child in parents:
        n, node = 0, child
        while node in parents and node != pid:
            node, n = parents[node], n + 1
        if node == pid:
            depth[child] = n
    return depth


def extraction_processes(pid: int) -> list[int]:
    return [p for p, d in descendants(pid).items() if d == 2]


@pytest.mark.parametrize("workers", [0, 2])
def test_sigterm_mid_html_extraction_stops_the_daemon_within_its_grace_period(site_server, tmp_path, workers):
    flood = encoded(paragraph_flood(FLOOD_LINES), "gzip")
    served = threading.Event()

    def hostile(_request: Request) -> Answer:
        served.set()
        return Answer(200, flood, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})

    site_server.routes["/news/flood/"] = hostile
    site_server.set("/news/report/", report_page(1))
    items = "".join(
        f"<item><title>Coordinated inauthentic behavior report</title><link>{site_server.url(p)}</link></item>"
        for p in ("/news/flood/", "/news/report/")
    )
    site_server.set(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title><link>http://x/</link>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    sources = source_table("newsroom", site_server.url("/feed.xml"), "1h")
    sources += f"\n[extract]\nworkers = {workers}\ncpu_seconds = 600\nwall_seconds = 600.0\n"
    cfg = daemon_config(tmp_path, sources, grace_seconds=GRACE)
    with DaemonProcess(cfg) as d:
        assert served.wait(60), d.log()
        busy = wait_for(lambda: extraction_processes(d.pid), 60, "the page's extraction process", d)
        t0 = time.monotonic()
        d.signal(signal.SIGTERM)
        code = d.wait(GRACE)  # raises TimeoutExpired if the daemon outlives its grace period
        print(f"stopped {time.monotonic() - t0:.2f}s after SIGTERM")
    assert code == 0, d.log()
    assert "SIGTERM received" in d.log()
    left = [
        p
        for p in busy
        if Path(f"/proc/{p}").exists() and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    ]
    assert not left, "an extraction process outlived the daemon"
    assert [r[2] for r in runs(cfg)] == ["interrupted"]
