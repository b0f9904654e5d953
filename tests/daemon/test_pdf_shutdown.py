"""SIGTERM while a PDF bomb is being read: the daemon stops within its grace period and kills the worker."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from scraper.daemon.scheduler import stop_reserve

from ..extract.pdf_bombs import page_tree_bomb
from .harness import DaemonProcess, daemon_config, runs, source_table, wait_for


def pdf_workers(parent: int) -> list[int]:
    """Live processes whose parent is `parent` and that run the PDF worker script."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if ppid == parent and b"pdf_child.py" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_sigterm_mid_pdf_extraction_kills_the_worker_within_the_grace_period(site_server, tmp_path):
    site_server.set(
        "/feed.xml",
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>n</title><link>http://x/</link>'
            f"<item><title>Coordinated inauthentic behavior report</title><link>{site_server.url('/bomb.pdf')}</link></item>"
            "</channel></rss>"
        ),
        content_type="application/rss+xml",
    )
    site_server.set("/bomb.pdf", page_tree_bomb(19), content_type="application/pdf")  # 524,288 pages
    sources = source_table("newsroom", site_server.url("/feed.xml"), "1h")
    sources += "\n[extract.pdf]\nmax_pages = 100000000\nmax_text_chars = 100000000000\ncpu_seconds = 600\nwall_seconds = 600.0\n"
    cfg = daemon_config(tmp_path, sources, grace_seconds=1.0)
    with DaemonProcess(cfg) as d:
        [worker] = wait_for(lambda: pdf_workers(d.pid), 60, "the PDF worker to start", d)
        d.signal(signal.SIGTERM)
        assert d.wait(20) == 0, d.log()  # 20 s: a hang guard, not the grace period (checked by the events below)
    assert f"abandoning 1 in-flight poll(s) after {1.0 - stop_reserve(1.0):g}s" in d.log(), (
        d.log()
    )  # the drain gave up at the grace period
    try:
        os.kill(worker, 0)
        alive = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        alive = False
    assert not alive, "the PDF worker outlived the daemon"
    assert [r[2] for r in runs(cfg)] == ["interrupted"]
