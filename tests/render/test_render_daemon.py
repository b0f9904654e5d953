"""`render = true` sources through the real daemon (`python -m scraper run --once`) on loopback.

A render source's report pages build their text with a script, so only a browser capture finds
the counts that make an item "kept"; a plain source runs beside it. Killing Chromium mid-poll
must cost neither the plain source nor the next render item.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from pathlib import Path

import pytest

from archive.render_records import is_rendered
from scraper.devserver import Answer, Request
from scraper.fetch.browser import RenderSettings, chromium_processes, render_unavailable

from ..daemon.harness import DaemonProcess, daemon_config, publish, query, source_table
from ..helpers import SiteServer

pytestmark = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)

SCRIPTED = 3


def scripted_page(i: int) -> str:
    """A report whose article text exists only after its script ran."""
    text = (
        f"Today we removed {20 + i} Facebook accounts and {i + 3} Pages for violating our policy against coordinated "
        f"inauthentic behavior. This network originated in country {i} and targeted audiences abroad with invented news sites."
    )
    return (
        f"<html lang='en'><head><title>Taking down coordinated inauthentic behavior from country {i}</title></head>"
        f"<body><article id='a'><h1>Taking down coordinated inauthentic behavior from country {i}</h1></article>"
        f"<script>const p = document.createElement('p'); p.textContent = {json.dumps(text)};"
        f"document.getElementById('a').appendChild(p);</script></body></html>"
    )


def publish_scripted(server: SiteServer) -> list[str]:
    urls = [server.url(f"/js/report-{i}/") for i in range(SCRIPTED)]
    items = "".join(
        f"<item><title>Taking down coordinated inauthentic behavior from country {i}</title><link>{u}</link>"
        f"<description>We removed a network for coordinated inauthentic behavior.</description></item>"
        for i, u in enumerate(urls)
    )
    server.set(
        "/js/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>JS</title><link>{server.url("/")}</link>'
        f"<description>d</description>{items}</channel></rss>",
        content_type="application/rss+xml",
    )
    for i in range(SCRIPTED):
        server.set(f"/js/report-{i}/", scripted_page(i))
    return urls


def config_for(tmp_path: Path, scripted: SiteServer, plain: SiteServer) -> Path:
    sources = (
        source_table("scripted", scripted.url("/js/feed.xml"), "1h")
        + "render = true\n"
        + source_table("plain", plain.url("/feed.xml"), "1h")
    )
    return daemon_config(tmp_path, sources + "\n[render]\nsettle_seconds = 0.0\nbudget_seconds = 20.0\n")


def items(cfg: Path, source: str) -> dict[str, tuple[str, str | None, int | None]]:
    """url -> (decision, warc path, warc offset) of a source's discovered items."""
    rows = query(
        cfg,
        "SELECT d.url, d.decision, c.warc_path, c.warc_offset FROM discovered_items d "
        "LEFT JOIN captures c ON c.id = d.capture_id WHERE d.source = ?",
        source,
    )
    return {url: (decision, path, offset) for url, decision, path, offset in rows}


def run_once(cfg: Path) -> DaemonProcess:
    daemon = DaemonProcess(cfg, "--once")
    code = daemon.wait(timeout=180)  # --once: it exits when every source has run once
    assert code == 0, daemon.log()
    return daemon


def assert_rendered_and_plain(cfg: Path, scripted_urls: list[str], plain_urls: list[str]) -> None:
    data = cfg.parent / "data"
    rendered = items(cfg, "scripted")
    assert set(rendered) == set(scripted_urls)
    for url, (decision, path, offset) in rendered.items():
        assert decision == "kept", (url, decision)  # the counts exist only in the rendered DOM
        assert path is not None and offset is not None and is_rendered(data / path, offset)
    plain = items(cfg, "plain")
    assert set(plain) == set(plain_urls)
    for url, (decision, path, offset) in plain.items():
        assert decision == "kept", (url, decision)
        assert path is not None and offset is not None and not is_rendered(data / path, offset)


def test_daemon_renders_a_render_source_and_fetches_the_plain_one(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "js") as scripted, SiteServer(tmp_path / "plain") as plain:
        scripted_urls = publish_scripted(scripted)
        plain_urls = publish(plain, n=3)
        cfg = config_for(tmp_path / "c", scripted, plain)
        run_once(cfg)
        assert all(scripted.hits(f"/js/report-{i}/") == 1 for i in range(SCRIPTED))
    assert_rendered_and_plain(cfg, scripted_urls, plain_urls)
    reports = {
        url: json.loads(data)
        for url, data in query(cfg, "SELECT url, data FROM reports WHERE url LIKE ?", "%/js/report-%")
    }
    assert len(reports) == SCRIPTED
    for i in range(SCRIPTED):  # found in the script-built text, with the sentence as evidence
        (network,) = reports[scripted.url(f"/js/report-{i}/")]["networks"]
        assert network["counts"].get("facebook_accounts") == 20 + i, network
        assert any(f"removed {20 + i} Facebook accounts" in e for e in network["evidence"])
    outcomes = query(cfg, "SELECT source, outcome FROM source_runs ORDER BY id")
    assert sorted(outcomes) == [("plain", "ok"), ("scripted", "ok")]
    assert_the_desk_names_each_kind(cfg)


def assert_the_desk_names_each_kind(cfg: Path) -> None:
    """The desk's capture page says which kind of capture a curator is looking at."""
    from starlette.testclient import TestClient

    from scraper.config import load_config
    from scraper.web.app import create_app
    from scraper.web.settings import web_settings

    config = load_config(str(cfg))
    kinds = dict(query(cfg, "SELECT d.source, MIN(d.capture_id) FROM discovered_items d GROUP BY d.source"))
    with TestClient(create_app(config, web_settings(config), token=None), base_url="http://127.0.0.1") as client:
        for source, says in (("scripted", "browser capture"), ("plain", "plain fetch")):
            page = client.get(f"/captures/{kinds[source]}").text
            kind = re.search(r'<dd id="capture-kind">([^<]*)</dd>', page)
            assert kind is not None and kind.group(1).startswith(says), (source, kind)


def test_a_killed_browser_is_replaced_and_the_plain_source_keeps_running(tmp_path: Path) -> None:
    """Chromium is killed (SIGKILL) while it loads the second scripted report: that page is rendered again on a new browser."""
    killed: list[int] = []
    daemon_pid: list[int] = []
    lock = threading.Lock()

    with SiteServer(tmp_path / "js") as scripted, SiteServer(tmp_path / "plain") as plain:
        scripted_urls = publish_scripted(scripted)
        plain_urls = publish(plain, n=3)
        page = scripted_page(1).encode()

        def kill_then_answer(request: Request) -> Answer:
            with lock:
                if not killed and daemon_pid:
                    for pid in chromium_processes(daemon_pid[0]):
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
            return Answer(200, page, {"Content-Type": "text/html; charset=utf-8"})

        scripted.routes["/js/report-1/"] = kill_then_answer
        cfg = config_for(tmp_path / "c", scripted, plain)
        daemon = DaemonProcess(cfg, "--once")
        daemon_pid.append(daemon.pid)
        code = daemon.wait(timeout=180)
        log = daemon.log()
        assert code == 0, log
        assert killed, "the browser was running while the second page loaded"
        assert scripted.hits("/js/report-1/") >= 2  # the page was loaded again, by the new browser
    assert "the browser has gone" in log
    assert_rendered_and_plain(cfg, scripted_urls, plain_urls)
    outcomes = query(cfg, "SELECT source, outcome FROM source_runs ORDER BY id")
    assert sorted(outcomes) == [("plain", "ok"), ("scripted", "ok")]
    assert_the_desk_names_each_kind(cfg)
