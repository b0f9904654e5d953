"""archive.quickread: the plain-SQL reads behind `status` and `stubs list` give what the ORM holds.

Run on SQLite and PostgreSQL, on the CLI's own read-only connection and on one borrowed
from the Catalogue's pool. The ORM side is the storage library's own view of the rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from archive import quickread
from archive.catalogue import Catalogue
from archive.tables import ArchiveJob, SourceRun, SourceSchedule
from scraper.config import load_config
from scraper.extract.report import Network, Report
from scraper.stubs import store

from ..conftest import make_config
from ..stubs.test_matching_scale import add_report

T0 = datetime(2026, 11, 1, 9, 0, 0, 123456)


def fill(catalogue: Catalogue, cfg) -> None:
    """Two stubs (one with two references and an archive link), and runs of three sources."""
    for n, (origin, day, count) in enumerate([(["Iran"], 1, 120), (["Iran"], 3, 120), (["Russia", "Belarus"], 200, 7)]):
        report = Report(
            url=f"https://example.org/r{n}",
            final_url=f"https://example.org/r{n}",
            title=f"Network {n} — “quoted”",
            platform="Meta",
            pub_date=date(2021, 1, 1) + timedelta(days=day),
            text="Active since 2019.",
            authors=["Ana Ñ", "Bo"],
            networks=[
                Network(
                    origin=origin,
                    targets=["Israel"],
                    counts={"facebook_accounts": count},
                    evidence=[f"We removed {count} accounts."],
                )
            ],
        )
        capture_id = add_report(catalogue, report, n)
        store.update_stubs_for_report(cfg, catalogue, capture_id)
    with catalogue.session() as s:
        s.add(ArchiveJob(url="https://example.org/r0", capture_id=1, status="success", archive_timestamp="20210101000000",
                         archive_link="https://web.archive.org/web/20210101000000/https://example.org/r0"))  # fmt: skip
        runs = [("steady", "ok", 4, None), ("steady", "ok", 2, None), ("broken", "ok", 9, None), ("broken", "error", 0, "HTTP 503"),
                ("broken", "error", 0, "HTTP 502"), ("never-ok", "error", 0, "DNS")]  # fmt: skip
        for i, (source, outcome, items, message) in enumerate(runs):
            at = T0 + timedelta(hours=i)
            s.add(
                SourceRun(
                    source=source,
                    started_at=at,
                    ended_at=at + timedelta(minutes=1),
                    outcome=outcome,
                    items_found=items,
                    message=message,
                )
            )
        s.add(SourceSchedule(source="steady", schedule="every 6h", next_run_at=T0 + timedelta(days=1), updated_at=T0))


def test_plain_reads_equal_the_orm_on_both_connections(catalogue_url: str, tmp_path: Path) -> None:
    cfg = load_config(str(make_config(tmp_path, catalogue=catalogue_url)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)
    try:
        fill(catalogue, cfg)
        with catalogue.session() as s:
            listing = store.load_listing(s)
            expected = [
                (st.stub_id, st.status, st.name, st.origin, st.targets, st.counts, st.edited_fields or [],
                 [(r.url, r.pub_date, r.authors, r.org, listing.link(r.url), r.merge_reason) for r in listing.references(st)])
                for st in listing.stubs
            ]  # fmt: skip
        assert len(expected) == 2 and len(expected[0][-1]) == 2  # the two Iran reports are one stub
        with quickread.open_reader(cfg.catalogue_url) as own, catalogue.reader() as pooled:
            assert own is not None  # a current catalogue is read without SQLAlchemy
            for reader in (own, pooled):
                got = [
                    (r.id, r.status, r.name, r.origin, r.targets, r.counts, r.edited_fields,
                     [(x["url"], x["pub_date"], x["authors"], x["org"], x["archive"], x["merge_reason"]) for x in r.references])
                    for r in quickread.stub_rows(reader)
                ]  # fmt: skip
                assert got == expected
                assert got[0][-1][0][4].startswith("https://web.archive.org/") and got[0][-1][1][4] == quickread.PENDING
                assert [r.id for r in quickread.stub_rows(reader, status="new")] == [e[0] for e in expected]
                assert quickread.stub_rows(reader, status="accepted") == []

                health = quickread.source_health(reader)
                steady, broken, never = health["steady"], health["broken"], health["never-ok"]
                assert (steady.runs, steady.items_found_total, steady.items_found_last, steady.failing_since) == (
                    2,
                    6,
                    2,
                    None,
                )
                assert (steady.schedule, steady.next_run_at) == ("every 6h", T0 + timedelta(days=1))
                assert steady.last_success_at == T0 + timedelta(
                    hours=1, minutes=1
                )  # microseconds survive both back-ends
                assert (broken.last_outcome, broken.last_error, broken.items_found_last) == ("error", "HTTP 502", 9)
                assert broken.failing_since == T0 + timedelta(hours=3)  # the first error after the last success
                assert (never.last_success_at, never.failing_since) == (None, T0 + timedelta(hours=5))

                totals = quickread.totals(reader)
                assert (totals["captures"], totals["reports"], totals["stubs"], totals["archive_jobs_pending"]) == (
                    3,
                    3,
                    {"new": 2},
                    0,
                )
    finally:
        catalogue.dispose()


def test_a_missing_or_older_catalogue_is_left_to_the_catalogue(tmp_path: Path) -> None:
    """None means "open the Catalogue": it creates the file or migrates it; the fast path never writes."""
    db = tmp_path / "c.sqlite"
    with quickread.open_reader(f"sqlite:///{db}") as reader:
        assert reader is None
    assert not db.exists()
    Catalogue(f"sqlite:///{db}", migrate=True).dispose()
    with quickread.open_reader(f"sqlite:///{db}") as reader:
        assert reader is not None
        reader.connection.execute("SELECT 1")
    import sqlite3

    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    con.close()
    with quickread.open_reader(f"sqlite:///{db}") as reader:
        assert reader is None  # an older schema: the Catalogue upgrades it first
    with quickread.open_reader("mysql://nobody@127.0.0.1/x") as reader:
        assert reader is None
