"""`Catalogue.read_session` on SQLite: a read goes on while another connection holds the write
lock (a poll's WARC store commits in a thread meanwhile), sees the last commit, and a write
made in it by mistake is committed, never dropped."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from archive.catalogue import Catalogue
from archive.tables import WarcFile


def test_a_read_session_reads_while_another_connection_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite"
    catalogue = Catalogue(f"sqlite:///{path}", migrate=True)
    try:
        with catalogue.session() as s:
            s.add(WarcFile(path="warc/a.warc.gz", committed_size=10, created_at=datetime(2024, 1, 1)))
        writer = sqlite3.connect(path, isolation_level=None, timeout=0)
        writer.execute("BEGIN IMMEDIATE")  # what a writer between its append and its commit holds
        writer.execute("UPDATE warc_files SET committed_size = 20")
        try:
            with catalogue.read_session() as s:  # a plain session would wait here for the lock (30 s, then fail)
                assert (
                    s.scalar(select(WarcFile.committed_size)) == 10
                )  # the last commit, not the writer's pending change
        finally:
            writer.execute("COMMIT")
            writer.close()
        with catalogue.read_session() as s:
            assert s.scalar(select(WarcFile.committed_size)) == 20
            s.add(WarcFile(path="warc/b.warc.gz", committed_size=5, created_at=datetime(2024, 1, 1)))
        with catalogue.read_session() as s:
            assert s.scalar(select(func.count()).select_from(WarcFile)) == 2  # committed at the end, like `session`
    finally:
        catalogue.dispose()
