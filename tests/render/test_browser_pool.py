"""The shared browser: restarted after N pages or when its process dies; nothing left running after close."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from scraper.config import load_config
from scraper.fetch.browser import BrowserPool, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient

from ..conftest import SiteServer, make_config

pytestmark = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)


def _alive(pid: int) -> bool:
    """Running (a zombie awaiting its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def test_restart_after_pages_crash_recovery_and_no_leaked_processes(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s") as site:
        site.set("/p", "<html><head><title>p</title></head><body><p>a page</p></body></html>")
        config = load_config(str(make_config(tmp_path / "c", "")))
        settings = replace(RenderSettings.from_config(config), settle_seconds=0.0, restart_after_pages=2)
        pids: list[int | None] = []
        chromium_during: list[int] = []

        async def run() -> int:
            async with HttpClient(config.http) as client, BrowserPool(settings, client) as pool:
                for _ in range(3):  # pages 1-2 on the first browser, page 3 on a restarted one
                    await pool.render(site.url("/p"))
                    pids.append(pool.browser_pid)
                assert pool.launches == 2 and pids[0] == pids[1] != pids[2]
                assert not _alive(pids[0] or 0)  # the retired browser was closed, not left running
                dead = pool.browser_pid or 0
                os.kill(dead, signal.SIGKILL)  # the browser crashes between pages
                rendered = await pool.render(site.url("/p"))
                assert "a page" in rendered.dom and pool.launches == 3 and pool.browser_pid != dead
                chromium_during.extend(_chromium(os.getpid()))
                return pool.browser_pid or 0

        last = asyncio.run(run())
    assert chromium_during  # the count below would see a leak
    assert not _alive(last)
    assert _chromium(os.getpid()) == []


def _chromium(pid: int) -> list[int]:
    found = []
    for child in _descendants(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"chromium" in f.read() and _alive(child):
                    found.append(child)
        except OSError:
            continue
    return found
