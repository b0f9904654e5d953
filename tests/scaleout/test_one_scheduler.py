"""Issue 32: however many daemons run on one PostgreSQL catalogue with --one-scheduler, exactly one fires
polls; when it dies (SIGKILL), the server frees its lock and a waiting daemon takes over."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psycopg

from scraper.fetch.shared_pacing import conninfo_of
from scraper.scaleout.leader import SCHEDULER_LOCK

from ..conftest import make_config, run_cli

LEASE_TAKEN = "scheduler lease taken"


class Daemon:
    """A `run --one-scheduler` process; its reader thread puts it on `leases` when it says it took the lease
    (an event read from its log, no thread left waiting once the test ends)."""

    def __init__(self, config: Path, leases: queue.Queue[Daemon]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.leases = leases
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scraper", "-v", "run", "--one-scheduler", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)
            if LEASE_TAKEN in line:
                self.leases.put(self)

    def wait_for(self, fragment: str) -> None:
        seen = []
        while not any(fragment in line for line in seen):
            try:
                seen.append(self.lines.get(timeout=60))
            except queue.Empty:
                raise AssertionError(f"{fragment!r} never came; the daemon said:\n{''.join(seen)}") from None


def _holders(pg_url: str) -> tuple[int, int]:
    """(sessions holding the scheduler lock, sessions waiting for it)."""
    with psycopg.connect(conninfo_of(pg_url)) as conn:
        rows = conn.execute(
            "SELECT granted, count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s GROUP BY granted",
            (SCHEDULER_LOCK & 0xFFFFFFFF,),
        ).fetchall()
    counts = dict(rows)
    return counts.get(True, 0), counts.get(False, 0)


def test_one_daemon_schedules_and_a_waiting_one_takes_over_when_it_is_killed(pg_url, tmp_path):
    configs = [make_config(tmp_path / f"d{n}", catalogue=pg_url) for n in range(3)]
    assert run_cli("status", "--config", configs[0]).exit_code in (
        0,
        1,
    )  # creates the catalogue before three daemons start
    leases: queue.Queue[Daemon] = queue.Queue()
    first = Daemon(configs[0], leases)
    assert leases.get(timeout=60) is first
    first.wait_for("daemon started")
    others = [Daemon(c, leases) for c in configs[1:]]
    for other in others:
        other.wait_for("waiting for the scheduler lease")
    assert _holders(pg_url) == (1, 2)  # one scheduler; the other two block in the server, not in a sleep loop
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(timeout=30)
    successor = leases.get(timeout=60)
    assert successor in others
    successor.wait_for("daemon started")
    assert _holders(pg_url) == (1, 1)  # exactly one took over
    for other in others:
        other.proc.send_signal(signal.SIGTERM)
    for other in others:
        other.proc.wait(timeout=60)
    assert successor.proc.returncode == 0
