"""Housekeeping inside the daemon: a pending Wayback job resolves on a later pass."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

from scraper.config import load_config
from scraper.daemon.scheduler import Daemon

from ..archive.test_wayback import creds, fetch, jobs, page, wayback, wb_config  # noqa: F401 (fixtures)
from ..fakes.wayback import Script


def run_until(daemon: Daemon, done: Callable[[], bool], limit: float = 60.0) -> bool:
    """Run the daemon in this thread until `done()` holds, then stop it as an operator does (SIGTERM).

    Returns whether `done()` held before `limit` (the daemon's own `duration`) ran out. The watcher
    checks every 0.1 s; a busy machine makes the wait longer, never the test fail.
    """
    held = threading.Event()
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(0.1):
            if done():
                held.set()
                os.kill(os.getpid(), signal.SIGTERM)  # the daemon's handler turns it into a clean stop
                return

    watcher = threading.Thread(target=watch, daemon=True)
    daemon.duration = limit
    watcher.start()
    try:
        daemon.run()
    finally:
        finished.set()
        watcher.join()
    return held.is_set()


def test_the_daemon_resolves_a_pending_archive_job_and_rewrites_the_stub_feed(site_server, wayback, creds, tmp_path):  # noqa: F811
    cfg = wb_config(tmp_path, wayback, wait=0.2)
    cfg.write_text(cfg.read_text() + '\n[daemon]\nhousekeeping = "1s"\njitter_seconds = 0.0\n')
    url = page(site_server, "/slow-report")
    wayback.scripts[url] = Script(pending_polls=10**6, timestamp="20261124101010")
    assert fetch(cfg, url)["archive_status"] == "pending"
    feed = tmp_path / "data" / "stubs.atom"
    feed.unlink(missing_ok=True)
    wayback.scripts[url].pending_polls = 0  # the job finishes while nobody is looking

    def resolved() -> bool:
        return feed.is_file() and [j.status for j in jobs(cfg)] == ["success"]

    assert run_until(Daemon(load_config(str(cfg)), sources=[]), resolved), (
        "housekeeping never resolved the job within 60 s"
    )

    [job] = jobs(cfg)
    assert job.status == "success" and job.archive_link == f"https://web.archive.org/web/20261124101010/{url}"
    assert len(wayback.posts()) == 1, "polled the existing job, never resubmitted"
    assert feed.is_file(), "the stub feed was regenerated"
