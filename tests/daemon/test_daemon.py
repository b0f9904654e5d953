"""The real daemon (`python -m scraper run`) against a loopback publisher.

Schedules fire and are recorded; SIGTERM stops cleanly; SIGKILL at random
points of a poll loses and duplicates nothing; one daemon per data folder;
`status` works as a health check.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scraper.daemon.scheduler import stop_reserve

from ..conftest import run_cli
from ..helpers import Route
from .harness import (
    DaemonProcess,
    daemon_config,
    publish,
    query,
    run_takedowns,
    runs,
    source_table,
    wait_for,
)


def test_schedules_fire_runs_are_recorded_and_sigterm_exits_zero(site_server, tmp_path):
    publish(site_server, n=3)
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1s"))
    with DaemonProcess(cfg) as d:
        wait_for(lambda: len(runs(cfg, "ok")) >= 3, 30, "three completed runs", d)
        d.signal(signal.SIGTERM)
        assert d.wait(15) == 0, d.log()
    ok = runs(cfg, "ok")
    assert {r[1] for r in ok} == {"newsroom"}
    assert ok[0][3] >= 3, "the first run found the three reports"
    spans = [
        (datetime.fromisoformat(s), datetime.fromisoformat(e))
        for s, e in query(cfg, "SELECT started_at, ended_at FROM source_runs WHERE outcome='ok' ORDER BY id")
    ]
    starts = [start for start, _ in spans]
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert all(g >= 0.5 for g in gaps), gaps  # every second, not back to back
    # A run that outlasts the interval delays the next one (no overlap); measured from its end, the next starts within the
    # interval plus scheduling slack, whatever the load (the first run, fetching three reports, can take seconds).
    waits = [(spans[i + 1][0] - spans[i][1]).total_seconds() for i in range(len(spans) - 1)]
    assert all(-0.01 <= w <= 3 for w in waits), waits
    assert not runs(cfg, "running"), "a clean stop leaves no open run"
    (next_run,) = query(cfg, "SELECT next_run_at FROM source_schedule WHERE source='newsroom'")[0]
    assert datetime.fromisoformat(next_run) > starts[-1]
    lines = [json.loads(line) for line in d.log().splitlines() if line.startswith("{")]
    poll_lines = [e for e in lines if e["message"].startswith("poll ok")]
    assert poll_lines and all(e["source"] == "newsroom" for e in poll_lines)
    during_poll = [e for e in lines if e["logger"].startswith("takedowns.") and e["logger"] != "takedowns.daemon"]
    assert during_poll and all(e.get("source") == "newsroom" for e in during_poll), (
        "lines logged by a poll name its source"
    )


def test_restart_continues_the_schedule_from_the_last_run(site_server, tmp_path):
    publish(site_server, n=1)
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1h"))
    with DaemonProcess(cfg) as d:
        wait_for(lambda: runs(cfg, "ok"), 20, "the first run", d)
        d.signal(signal.SIGTERM)
        assert d.wait(15) == 0, d.log()
    (started,) = query(cfg, "SELECT started_at FROM source_runs")[0]
    with DaemonProcess(cfg) as d:
        # the scheduler logs the source's next run once its job exists: from then on it either ran or waits
        wait_for(lambda: "scheduled 1h, next run" in d.log(), 20, "the source scheduled after the restart", d)
        d.signal(signal.SIGTERM)
        assert d.wait(15) == 0, d.log()
    assert len(runs(cfg)) == 1, "a restart does not run a source before it is due"
    (next_run,) = query(cfg, "SELECT next_run_at FROM source_schedule")[0]
    due = datetime.fromisoformat(started) + timedelta(hours=1)
    assert abs((datetime.fromisoformat(next_run) - due).total_seconds()) < 2, (next_run, due)


def test_sigterm_abandons_a_stuck_fetch_after_the_grace_period(site_server, tmp_path):
    """The pages are held until the daemon has exited: it can only exit 0 by abandoning the fetch.

    Events, not a window: the drain logs that it gave up after the 1 s grace, the run is
    recorded as interrupted, and no page had been answered when the process ended (the
    15 s wait is a hang guard for a daemon that waits for its fetch)."""
    publish(site_server, n=2)
    release, answered = threading.Event(), []

    def held(request):
        release.wait(60)
        answered.append(request.path)
        return Route(200, b"<html><body><p>late</p></body></html>", {"Content-Type": "text/html; charset=utf-8"})

    for i in range(2):
        site_server.routes[f"/news/report-{i}/"] = held
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1s"), grace_seconds=1.0)
    try:
        with DaemonProcess(cfg) as d:
            wait_for(
                lambda: site_server.hits("/news/report-0/") or site_server.hits("/news/report-1/"),
                20,
                "a page fetch in flight",
                d,
            )
            d.signal(signal.SIGTERM)
            assert d.wait(15) == 0, d.log()
            assert not answered, "exited while the page was still held, not after the fetch"
    finally:
        release.set()
    assert f"abandoning 1 in-flight poll(s) after {1.0 - stop_reserve(1.0):g}s" in d.log(), d.log()
    assert [r[2] for r in runs(cfg)] == ["interrupted"]
    assert "grace" in runs(cfg)[0][5]


def test_sigkill_at_random_points_then_a_full_run_loses_and_duplicates_nothing(site_server, tmp_path):
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1s"))
    rng = random.Random(8)
    cycles = 6
    for cycle in range(cycles):
        publish(site_server, n=2 * cycle + 3, delay=0.05)  # new reports appear: every poll has work
        with DaemonProcess(cfg, log_name=f"cycle{cycle}") as d:
            wait_for(
                lambda: query(cfg, "SELECT id FROM source_runs WHERE outcome='running' AND pid=?", d.pid),
                20,
                "a run in progress",
                d,
            )
            time.sleep(rng.uniform(0.0, 0.6))
            d.kill()
    urls = publish(site_server, n=2 * cycles + 3, delay=0.05)
    with DaemonProcess(cfg, log_name="final") as d:
        wait_for(
            lambda: query(cfg, "SELECT id FROM source_runs WHERE outcome='ok' AND pid=?", d.pid),
            30,
            "a completed run",
            d,
        )
        d.signal(signal.SIGTERM)
        assert d.wait(15) == 0, d.log()

    outcomes = Counter(r[2] for r in runs(cfg))
    assert outcomes["running"] == 0
    assert outcomes["interrupted"] >= cycles - 1, outcomes  # (almost) every kill landed during a run
    captures = query(cfg, "SELECT url, payload_sha256, warc_path, warc_offset FROM captures")
    by_url = Counter(url for url, *_ in captures)
    for url in urls:
        assert by_url[url] == 1, f"{url} stored {by_url[url]} times"
    assert len({(u, h) for u, h, *_ in captures}) == len(captures)
    # every WARC is valid, and holds exactly the catalogued responses: nothing stored twice
    warcs = sorted((cfg.parent / "data" / "warc").glob("*.warc.gz"))
    assert warcs
    responses = set()
    for warc in warcs:
        proc = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with open(warc, "rb") as f:
            it = ArchiveIterator(f)
            for record in it:
                if record.rec_type == "response":
                    responses.add((f"warc/{warc.name}", it.get_record_offset()))
    assert responses == {(p, o) for *_, p, o in captures}
    assert_no_duplicate_stubs(cfg)


def assert_no_duplicate_stubs(cfg: Path) -> None:
    """Each report URL is cited by one stub at most, and no stub was left without a reference."""
    refs = query(
        cfg, "SELECT normalised_url, COUNT(*) FROM stub_references GROUP BY normalised_url HAVING COUNT(*) > 1"
    )
    assert not refs, refs
    orphans = query(cfg, "SELECT stub_id FROM stubs WHERE id NOT IN (SELECT stub_pk FROM stub_references)")
    assert not orphans, orphans
    names = query(cfg, "SELECT name, COUNT(*) FROM stubs GROUP BY name HAVING COUNT(*) > 1")
    assert not names, names
    assert query(cfg, "SELECT COUNT(*) FROM stubs")[0][0] >= 1


def test_a_second_daemon_on_the_same_data_folder_refuses_to_start(site_server, tmp_path):
    publish(site_server, n=1)
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1h"))
    with DaemonProcess(cfg) as first:
        wait_for(lambda: "daemon started" in first.log(), 20, "the first daemon", first)
        second = run_takedowns(cfg, "run")
        assert second.returncode != 0
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert lines[0].startswith("error: another takedowns daemon") and f"pid {first.pid}" in lines[0]
        assert first.proc.poll() is None, "the first daemon keeps running"
        first.signal(signal.SIGTERM)
        assert first.wait(15) == 0


def test_status_exit_code_reflects_a_failing_source(site_server, tmp_path):
    publish(site_server, n=1)
    sources = source_table("good", site_server.url("/feed.xml"), "1h") + source_table(
        "gone", site_server.url("/missing.xml"), "1h"
    )
    cfg = daemon_config(tmp_path, sources, failing_threshold_hours=0.0)
    with DaemonProcess(cfg, "--once") as d:
        assert d.wait(30) == 0, d.log()
    result = run_takedowns(cfg, "status", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    by_name = {s["name"]: s for s in report["sources"]}
    assert by_name["gone"]["failing"] and by_name["gone"]["last_error"]
    assert not by_name["good"]["failing"] and by_name["good"]["last_success_at"]
    assert report["totals"]["captures"] >= 1 and not report["healthy"]
    assert "gone" in result.stderr
    text = run_takedowns(cfg, "status")
    assert text.returncode == 1 and "FAILING" in text.stdout

    healthy = daemon_config(
        tmp_path / "other", source_table("good", site_server.url("/feed.xml"), "1h"), failing_threshold_hours=0.0
    )
    with DaemonProcess(healthy, "--once") as d:
        assert d.wait(30) == 0, d.log()
    ok = run_takedowns(healthy, "status")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "good" in ok.stdout and "never ran" not in ok.stdout


def test_bad_daemon_config_is_one_line_error(tmp_path):
    cfg = daemon_config(tmp_path, "", grace_seconds="soon")
    result = run_cli("run", "--config", cfg)
    assert result.exit_code != 0
    assert result.stderr.strip() == f"error: {cfg}: [daemon] grace_seconds must be a non-negative number, got 'soon'"


def test_a_torn_warc_tail_left_by_a_kill_is_cut_at_the_next_start(site_server, tmp_path):
    publish(site_server, n=2)
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1h"))
    assert run_takedowns(cfg, "run", "--once").returncode == 0
    ((path, committed),) = query(cfg, "SELECT path, committed_size FROM warc_files")
    warc = cfg.parent / "data" / path
    assert warc.stat().st_size == committed
    with open(warc, "ab") as f:  # what a kill between append and catalogue commit leaves behind
        f.write(b"\x1f\x8b\x08\x00torn-record")
    done = run_takedowns(cfg, "run", "--once")
    assert done.returncode == 0, done.stderr
    assert warc.stat().st_size == committed
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
