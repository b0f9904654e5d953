"""The review desk under test: real catalogues built by `takedowns fetch` from pages on 127.0.0.1,
the desk served by uvicorn on a free loopback port, and one headless Debian Chromium for the session."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from scraper.config import load_config
from scraper.web.app import create_app
from scraper.web.server import bind, desk_token
from scraper.web.settings import web_settings

from ..conftest import SITES, make_config, run_cli
from ..helpers import SiteServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DFRLAB = "/2019/01/31/trolltracker-outward-influence-operation-from-iran/"
WIRE = "/article/554018908.html"
SCREENSHOTS = Path(os.environ.get("DESK_SCREENSHOTS") or Path(tempfile.gettempdir()) / "takedowns-desk-screenshots")


def report_page(
    title: str, sentence: str, *, date: str = "2022-03-01", extra: str = "", author: str = "Desk Tester"
) -> str:
    """A small takedown report of our own words; `title` and `author` go in as attribute text (escaped)."""
    from html import escape

    return f"""<html lang="en"><head><title>{escape(title)}</title>
<meta property="og:title" content="{escape(title, quote=True)}">
<meta name="author" content="{escape(author, quote=True)}">
<meta property="article:published_time" content="{date}T10:00:00+00:00"></head>
<body><article><h1>{escape(title)}</h1>
<p>{sentence} The operators wrote about regional politics and posed as local journalists in several languages.</p>
<p>Our investigators found the network after tracing shared administrators and identical posting schedules across the assets.</p>
{extra}
</article></body></html>"""


def cli(*args: str | Path):
    """The real CLI, in a worker thread: Playwright's sync API keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_cli, *args).result()


@dataclass
class Desk:
    base: str
    config: Path
    sites: SiteServer

    def fetch(self, path: str) -> dict:
        result = cli("fetch", self.sites.url(path), "--config", self.config, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    def stubs(self) -> dict[str, dict]:
        result = cli("stubs", "list", "--config", self.config, "--json")
        assert result.exit_code == 0, result.stderr
        return {s["id"]: s for s in json.loads(result.stdout)}

    def show(self, stub_id: str) -> dict:
        result = cli("stubs", "show", stub_id, "--config", self.config, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@contextlib.contextmanager
def serve_desk(config_path: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """The desk app exactly as `takedowns serve` builds it, on a free port, in a thread."""
    config = load_config(str(config_path))
    settings = web_settings(config)
    app = create_app(config, settings, desk_token(config, settings, host))
    sock = bind(host, 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert started(server), "the desk did not start"
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def started(server: uvicorn.Server) -> bool:
    done = threading.Event()
    for _ in range(400):  # uvicorn sets `started` once it accepts connections
        if server.started:
            return True
        done.wait(0.025)
    return False


def desk_config(tmp_path: Path, extra: str = "") -> Path:
    return make_config(tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/article" = "EIN Presswire"\n' + extra)


@pytest.fixture
def sites() -> Iterator[SiteServer]:
    with SiteServer(SITES) as server:
        server.set(DFRLAB, (SITES / "dfrlab" / DFRLAB.strip("/") / "index.html").read_bytes())
        server.set(WIRE, (SITES / "wire" / WIRE.strip("/")).read_bytes())
        yield server


@pytest.fixture
def desk_factory(tmp_path: Path, sites: SiteServer):
    """desk_factory(extra_config) -> a running Desk on a fresh catalogue."""
    with contextlib.ExitStack() as stack:

        def make(extra: str = "") -> Desk:
            cfg = desk_config(tmp_path, extra)
            base = stack.enter_context(serve_desk(cfg))
            return Desk(base, cfg, sites)

        yield make


@pytest.fixture
def desk(desk_factory) -> Desk:
    return desk_factory()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for all browser tests (they live in one module): its sync API runs an event
    loop in this thread until closed, which `asyncio.run` in later, unrelated tests must not meet."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.js_errors = errors
    yield tab
    context.close()


def keys_ready(page) -> None:
    """Wait until desk.js has attached its shortcuts on the current page (it is deferred, so a
    page can show its rows before the script has run and a key pressed then is lost)."""
    from playwright.sync_api import expect

    expect(page.locator("html[data-keys=ready]")).to_have_count(1)


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact (looked at by people, not asserted on)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
