"""Exactly one scheduler however many daemons run: a PostgreSQL advisory lock on a connection of its own.

`takedowns run --one-scheduler` waits here before its scheduler starts. The lock is a session
lock: the server frees it the moment the holder's connection ends (clean stop, crash, SIGKILL,
lost host), and exactly one of the waiting daemons gets it and starts polling. Nothing is
leased by time, so there is no clock to trust and no lease to renew.
"""

from __future__ import annotations

import logging
from typing import Any

from scraper.errors import UserError
from scraper.fetch.shared_pacing import conninfo_of

log = logging.getLogger("takedowns.daemon")

SCHEDULER_LOCK = 0x7363686564  # "sched": one key for every daemon on this catalogue


class SchedulerLease:
    def __init__(self, catalogue_url: str) -> None:
        try:
            self.conninfo = conninfo_of(catalogue_url)
        except ValueError as exc:
            raise UserError(f"--one-scheduler elects the scheduler in the catalogue's database: {exc}") from None
        self.conn: Any = None

    def wait(self) -> None:
        """Block until this process is the one scheduler; it stays so until `release` or the process ends."""
        import psycopg

        self.conn = psycopg.connect(self.conninfo, autocommit=True)
        taken = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (SCHEDULER_LOCK,)).fetchone()[0]
        if not taken:
            log.info("waiting for the scheduler lease: another daemon fires the polls; this one takes over if it stops")
            self.conn.execute("SELECT pg_advisory_lock(%s)", (SCHEDULER_LOCK,))
        log.info("scheduler lease taken: this daemon fires the polls")

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()  # the server frees the lock with the session
            self.conn = None
