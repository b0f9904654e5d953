"""row_counts and report_months (kept by triggers) equal a count of the rows, whoever writes them.

`status` and the desk read these instead of scanning captures and reports. Checked on SQLite
and PostgreSQL against plain COUNT queries after ORM writes, bulk inserts, a report whose
date changes, deletions, and (PostgreSQL) two transactions storing the same new URL at once.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, func, insert, select, text, update

from archive import quickread
from archive.catalogue import Catalogue
from archive.tables import Capture, FetchFailure, ReportMonth, ReportRow, RowCount

T0 = datetime(2026, 11, 1, 9, 0, 0)


def capture(url: str, digest: str) -> dict[str, Any]:
    return {
        "url": url, "final_url": url, "fetched_at": T0, "status": 200, "content_type": "text/html", "payload_sha256": digest,
        "payload_length": 10, "warc_path": "warc/a.warc.gz", "warc_offset": 0, "warc_length": 10, "warc_record_id": f"<urn:{digest}>",
        "warc_date": "2026-11-01T09:00:00Z", "redirects": [], "last_seen_at": T0, "seen_count": 1, "rendered": False,
    }  # fmt: skip


def report(capture_id: int, url: str, pub_date: str | None, platform: str | None) -> ReportRow:
    return ReportRow(
        capture_id=capture_id,
        url=url,
        extractor_version="t",
        extracted_at=T0,
        data={"pub_date": pub_date, "platform": platform},
    )


def counted(catalogue: Catalogue) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    with catalogue.session() as s:
        rows = {name: n for name, n in s.execute(select(RowCount.name, RowCount.n))}
        months = {
            (m, p): n for m, p, n in s.execute(select(ReportMonth.pub_month, ReportMonth.platform, ReportMonth.n)) if n
        }
    return rows, months


def scanned(catalogue: Catalogue) -> tuple[dict[str, Any], dict[tuple[str, str], int]]:
    with catalogue.session() as s:
        rows = {
            "captures": s.scalar(select(func.count(Capture.id))), "urls": s.scalar(select(func.count(Capture.url.distinct()))),
            "reports": s.scalar(select(func.count(ReportRow.id))), "fetch_failures": s.scalar(select(func.count(FetchFailure.id))),
        }  # fmt: skip
        months = {
            (m, p): n
            for m, p, n in s.execute(
                select(ReportRow.pub_month, ReportRow.platform, func.count()).group_by(
                    ReportRow.pub_month, ReportRow.platform
                )
            )
        }
    return rows, months


def test_counts_follow_every_kind_of_write(catalogue_url: str, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    catalogue = Catalogue(catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:  # the ORM, as ingestion writes
            ids = [s.execute(insert(Capture).returning(Capture.id), [capture(u, d)]).scalar_one()
                   for u, d in [("https://a.example/1", "d1"), ("https://a.example/1", "d2"), ("https://a.example/2", "d3")]]  # fmt: skip
            s.add_all([report(ids[0], "https://a.example/1", "2021-03-04", "Meta"), report(ids[1], "https://a.example/1", "2021-03-20", "Meta"),
                       report(ids[2], "https://a.example/2", None, None)])  # fmt: skip
            s.add(FetchFailure(url="https://a.example/3", at=T0, reason="http", message="HTTP 503"))
        with catalogue.session() as s:  # a bulk insert in one statement, one URL already known
            s.execute(
                insert(Capture),
                [
                    capture("https://a.example/2", "d4"),
                    capture("https://b.example/1", "d5"),
                    capture("https://b.example/2", "d6"),
                ],
            )
        rows, months = counted(catalogue)
        assert rows == {"captures": 6, "urls": 4, "reports": 3, "fetch_failures": 1}
        assert months == {("2021-03", "Meta"): 2, ("", ""): 1}

        with catalogue.session() as s:  # re-extraction finds another date and platform
            row = s.scalars(select(ReportRow).where(ReportRow.capture_id == ids[1])).one()
            row.data = {"pub_date": "2022-07-01", "platform": "Google"}
        with catalogue.session() as s:  # deletions, by hand or by a future retention job
            s.execute(delete(ReportRow).where(ReportRow.capture_id == ids[2]))
            s.execute(delete(Capture).where(Capture.id == ids[2]))
            s.execute(
                update(ReportRow).where(ReportRow.capture_id == ids[0]).values(url="https://a.example/1#moved")
            )  # no count moves
        rows, months = counted(catalogue)
        assert (rows, months) == scanned(catalogue)
        assert rows == {
            "captures": 5,
            "urls": 4,
            "reports": 2,
            "fetch_failures": 1,
        }  # https://a.example/2 still has capture d4
        assert months == {("2021-03", "Meta"): 1, ("2022-07", "Google"): 1}

        with catalogue.reader() as reader:  # what `status` and the desk print
            totals = quickread.totals(reader)
        assert (totals["captures"], totals["urls"], totals["reports"], totals["fetch_failures"]) == (5, 4, 2, 1)
    finally:
        catalogue.dispose()


def test_a_migrated_catalogue_starts_from_its_rows(tmp_path: Path) -> None:
    """Rows stored before the counts existed are counted once by the migration, then kept."""
    from alembic import command

    from archive import migrate

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "0011_rendered_captures")
        conn.execute(insert(Capture), [capture("https://a.example/1", "d1"), capture("https://a.example/1", "d2")])
    engine.dispose()
    catalogue = Catalogue(url, migrate=True)  # upgrades to the head
    try:
        assert counted(catalogue)[0] == {"captures": 2, "urls": 1, "reports": 0, "fetch_failures": 0}
        with catalogue.session() as s:
            s.execute(insert(Capture), [capture("https://a.example/2", "d3")])
        assert counted(catalogue)[0]["urls"] == 2
    finally:
        catalogue.dispose()


def test_two_transactions_storing_one_new_url_count_it_once(pg_url: str) -> None:
    """The second writer waits on the URL's lock, then sees the first one's row."""
    catalogue = Catalogue(pg_url, migrate=True)
    catalogue.dispose()
    engine = create_engine(pg_url)
    try:
        first = engine.connect()
        first.begin()
        first.execute(insert(Capture), [capture("https://race.example/", "d1")])
        done = threading.Event()

        def second() -> None:
            with engine.begin() as conn:
                conn.execute(insert(Capture), [capture("https://race.example/", "d2")])
            done.set()

        thread = threading.Thread(target=second)
        thread.start()
        with engine.connect() as watch:  # the second insert is waiting on a lock held by the first transaction
            deadline = time.monotonic() + 20
            while not watch.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar():
                assert not done.is_set(), "the second transaction did not wait for the first"
                assert time.monotonic() < deadline
                watch.rollback()
        first.commit()
        first.close()
        thread.join(20)
        assert done.is_set()
        with engine.connect() as conn:
            assert conn.execute(select(RowCount.n).where(RowCount.name == "urls")).scalar() == 1
            assert conn.execute(select(RowCount.n).where(RowCount.name == "captures")).scalar() == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", ["captures", "reports", "fetch_failures"])
def test_the_triggers_exist_after_every_migration(table: str, tmp_path: Path) -> None:
    """A later SQLite batch migration that recreates a table drops its triggers: this notices."""
    catalogue = Catalogue(f"sqlite:///{tmp_path / 'c.sqlite'}", migrate=True)
    try:
        with catalogue.session() as s:
            triggers = s.scalars(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t AND name LIKE 'row_counts_%'"
                ),
                {"t": table},
            ).all()
        assert len(triggers) >= 2, triggers
    finally:
        catalogue.dispose()


def test_the_desk_menu_lists_each_platform_stubs_name_once(catalogue_url: str, tmp_path: Path) -> None:
    """The platform menu is read by skipping through an index; it must still be every platform, once, sorted."""
    from archive.tables import Stub
    from scraper.web.queue import QueueFilter, load_queue

    (tmp_path / "data").mkdir(exist_ok=True)
    catalogue = Catalogue(catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            for i, platform in enumerate([None, "Meta", "TikTok", "Meta", "Google", None, "TikTok"]):
                s.add(
                    Stub(
                        stub_id=f"TA-{i:05d}",
                        name=f"n{i}",
                        platform=platform,
                        date_added="2026-11-01",
                        created_at=T0,
                        updated_at=T0,
                    )
                )
        with catalogue.session() as s:
            assert load_queue(s, QueueFilter(), 20).platforms == ["Google", "Meta", "TikTok"]
    finally:
        catalogue.dispose()
