"""Run the real daemon as a subprocess against a loopback publisher, and inspect its data."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..conftest import REPO, make_config
from ..helpers import Route, SiteServer

PAGES = 8
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
# The real CLI, as a separate process.
TAKEDOWNS = [sys.executable, "-m", "scraper"]
FEED = "/feed.xml"


def report_page(i: int) -> str:
    return textwrap.dedent(
        f"""\
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
        <title>Taking down coordinated inauthentic behavior from country {i}</title>
        <meta property="article:published_time" content="2021-0{1 + i % 9}-1{i % 10}T10:00:00+00:00">
        </head><body><article><h1>Taking down coordinated inauthentic behavior from country {i}</h1>
        <p>Today we removed {10 + i} Facebook accounts, {i + 2} Pages and {i + 1} Instagram accounts
        for violating our policy against coordinated inauthentic behavior. This network originated
        in country {i} and targeted audiences abroad.</p>
        <p>We found this activity as part of our internal investigation into suspected coordinated
        inauthentic behavior in the region.</p></article></body></html>
        """
    )


def feed(server: SiteServer, n: int = PAGES) -> str:
    items = "".join(
        f"<item><title>Taking down coordinated inauthentic behavior from country {i}</title>"
        f"<link>{server.url(f'/news/report-{i}/')}</link>"
        f"<pubDate>Mon, 0{1 + i % 9} Feb 2021 10:00:00 +0000</pubDate>"
        f"<description>We removed a network for coordinated inauthentic behavior.</description></item>"
        for i in range(n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Newsroom</title><link>{server.url("/")}</link><description>news</description>{items}</channel></rss>'


def publish(server: SiteServer, n: int = PAGES, delay: float = 0.0) -> list[str]:
    """Serve a feed of `n` report pages (each answer delayed by `delay` s); return the page URLs."""
    server.set(FEED, feed(server, n), content_type="application/rss+xml")
    for i in range(n):
        body = report_page(i).encode()
        if delay:
            server.routes[f"/news/report-{i}/"] = _slow(body, delay)
        else:
            server.set(f"/news/report-{i}/", body)
    return [server.url(f"/news/report-{i}/") for i in range(n)]


def _slow(body: bytes, delay: float) -> Callable[[Any], Any]:
    def handler(_request: Any) -> Route:
        time.sleep(delay)
        return Route(200, body, {"Content-Type": "text/html; charset=utf-8"})

    return handler


def source_table(name: str, url: str, schedule: str) -> str:
    return textwrap.dedent(
        f"""
        [sources.{name}]
        kind = "feed"
        url = "{url}"
        org = "Meta"
        schedule = "{schedule}"
        enabled = true
        """
    )


def daemon_config(tmp_path: Path, sources: str, **daemon: Any) -> Path:
    settings = {"grace_seconds": 2.0, "jitter_seconds": 0.0, **daemon}
    lines = "".join(f"{k} = {v!r}\n" if not isinstance(v, str) else f'{k} = "{v}"\n' for k, v in settings.items())
    return make_config(tmp_path, "\n[daemon]\n" + lines + sources)


class DaemonProcess:
    """`python -m scraper --config CFG run` with its stderr in a log file."""

    def __init__(self, config: Path, *args: str, log_name: str = "daemon"):
        self.config = config
        self.log_path = config.parent / f"{log_name}-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [*TAKEDOWNS, "--log-format", "json", "--config", str(config), "run", *args],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            cwd=config.parent,
            env=ENV,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait()

    def log(self) -> str:
        return self.log_path.read_text()

    def __enter__(self) -> DaemonProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()


def catalogue_path(config: Path) -> Path:
    return config.parent / "data" / "catalogue.sqlite"


def query(config: Path, sql: str, *params: Any) -> list[tuple]:
    path = catalogue_path(config)
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # table not created yet
        return []
    finally:
        con.close()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, proc: DaemonProcess | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.proc.poll() is not None:
            raise AssertionError(f"daemon exited with {proc.proc.returncode} while waiting for {what}:\n{proc.log()}")
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f":\n{proc.log()}" if proc else ""))


def runs(config: Path, outcome: str | None = None) -> list[tuple]:
    sql = "SELECT id, source, outcome, items_found, errors, message FROM source_runs"
    return (
        query(config, sql + " WHERE outcome = ? ORDER BY id", outcome)
        if outcome
        else query(config, sql + " ORDER BY id")
    )


def run_takedowns(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One `takedowns` command as a separate process, as an operator would run it."""
    return subprocess.run(
        [*TAKEDOWNS, "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=config.parent,
        env=ENV,
    )
