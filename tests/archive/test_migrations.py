"""Alembic migrations: an old catalogue is upgraded with its data, models and migrations agree,
and many processes opening a new catalogue at once all succeed."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from archive import migrate, quickread
from archive.catalogue import Catalogue
from archive.tables import (
    Base,
    Capture,
    DiscoveredItem,
    ReportRow,
    Stub,
    StubReference,
    WarcFile,
)

FIXTURES = Path(__file__).parent / "fixtures"
OLD_RELEASE = FIXTURES / "catalogue-86ec67a.sqlite"  # made by release 86ec67a's create_all, one row per table


# Tables a later revision folded into another (their values are checked by their own test).
FOLDED = {"source_state"}  # -> source_runs (0004_one_source_health)
# Columns a later revision moved to another table (their values are checked by their own test).
MOVED = {("stubs", "notes")}  # -> stub_references.notes (0007_reference_notes)
DERIVED = {"wacz_files"}  # packages are built from the WARC on demand (0009_wacz_on_demand); the WARC rows stay


def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def _rows(db: Path) -> dict[str, list[dict]]:
    con = sqlite3.connect(db)
    try:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")
        ]
        out = {}
        for t in tables:
            cursor = con.execute(f'SELECT * FROM "{t}" ORDER BY 1')
            names = [d[0] for d in cursor.description]
            out[t] = [dict(zip(names, row, strict=True)) for row in cursor]
        return out
    finally:
        con.close()


def test_previous_release_catalogue_is_upgraded_with_its_data(tmp_path: Path) -> None:
    db = tmp_path / "catalogue.sqlite"
    shutil.copy(OLD_RELEASE, db)
    old = _rows(db)
    assert all(old.values()), "the fixture has a row in every table"
    assert migrate.current_revision(create_engine(f"sqlite:///{db}")) is None

    Catalogue(f"sqlite:///{db}", migrate=True).dispose()

    new = _rows(db)
    assert set(new) >= set(old) - FOLDED - DERIVED and not set(new) & DERIVED
    for (
        table,
        rows,
    ) in old.items():  # every old value survives, in its column (unless folded or moved elsewhere)
        if table not in FOLDED | DERIVED:
            kept = [c for c in rows[0] if (table, c) not in MOVED]
            assert [{c: r[c] for c in kept} for r in new[table]] == [{c: r[c] for c in kept} for r in rows], table
    cat = Catalogue(f"sqlite:///{db}", migrate=True)
    try:
        assert migrate.current_revision(cat.engine) == migrate.head_revision()
        with cat.session() as s:
            capture = s.scalar(select(Capture))
            assert (
                capture.url,
                capture.warc_offset,
                capture.etag,
                capture.seen_count,
            ) == ("https://example.org/report", 1000, '"v1"', 2)
            assert capture.redirects == [{"url": "https://example.org/report", "status": 301}]
            assert s.scalar(select(ReportRow)).data["title"] == "An old report"
            assert s.scalar(select(Stub)).counts == {"facebook_accounts": 12}
            assert s.scalar(select(StubReference)).capture_id == capture.id
            item = s.scalar(select(DiscoveredItem))
            assert (item.decision, item.tries, item.stage, item.next_try_at) == (
                "kept",
                0,
                "",
                None,
            )
            s.add(
                WarcFile(
                    path="warc/big.warc.gz",
                    committed_size=5 * 2**31,
                    created_at=capture.fetched_at,
                )
            )
        with cat.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on for normal work
    finally:
        cat.dispose()
    assert _diff(f"sqlite:///{db}") == []


def test_manual_poll_health_is_folded_into_the_runs(tmp_path: Path) -> None:
    """0004: what `source_state` remembered (manual polls) becomes run rows `status` and `sources` read."""
    db = tmp_path / "catalogue.sqlite"
    shutil.copy(OLD_RELEASE, db)
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO source_state (name, last_poll_at, last_success_at, last_error_at, last_error, items_found, polls) "
            "VALUES ('polled-by-hand', '2026-11-02 09:00:00.000000', '2026-11-02 08:00:00.000000', "
            "'2026-11-02 09:00:00.000000', 'fetch failed: HTTP 503', 5, 4)"
        )
    con.close()
    cat = Catalogue(f"sqlite:///{db}", migrate=True)
    try:
        assert "source_state" not in _rows(db)
        with cat.reader() as reader:
            health = quickread.source_health(reader)
        daemon_run = health["meta-newsroom"]  # had its own runs: kept as they were, nothing added
        assert (daemon_run.runs, daemon_run.last_outcome, daemon_run.items_found_last) == (1, "ok", 3)
        manual = health["polled-by-hand"]
        assert (manual.runs, manual.last_outcome, manual.items_found_last, manual.last_error) == (
            2,
            "error",
            5,
            "fetch failed: HTTP 503",
        )
        assert (
            str(manual.last_success_at) == "2026-11-02 08:00:00" and str(manual.failing_since) == "2026-11-02 09:00:00"
        )
    finally:
        cat.dispose()


def test_models_and_migrations_agree(catalogue_url: str, tmp_path: Path) -> None:
    Catalogue(catalogue_url, migrate=True).dispose()
    assert _diff(catalogue_url) == []


def test_large_offsets_long_headers_on_every_backend(catalogue_url: str) -> None:
    cat = Catalogue(catalogue_url, migrate=True)
    try:
        with cat.session() as s:
            from archive.clock import utcnow

            now = utcnow()
            s.add(
                Capture(
                    url="https://example.org/x",
                    final_url="https://example.org/x",
                    fetched_at=now,
                    status=200,
                    content_type="text/html; " + "p=1; " * 200,
                    payload_sha256="c" * 64,
                    payload_length=3 * 2**31,
                    warc_path="warc/a.warc.gz",
                    warc_offset=3 * 2**31 + 7,
                    warc_length=2**31 + 1,
                    warc_record_id="<urn:uuid:x>",
                    warc_date="2026-11-28T00:00:00Z",
                    redirects=[],
                    etag='"' + "e" * 900 + '"',
                    last_modified="L" * 300,
                    last_seen_at=now,
                    seen_count=1,
                )
            )
        with cat.session() as s:
            c = s.scalar(select(Capture))
            assert (
                c.warc_offset,
                c.warc_length,
                len(c.etag),
                len(c.last_modified),
            ) == (3 * 2**31 + 7, 2**31 + 1, 902, 300)
    finally:
        cat.dispose()


def test_many_processes_opening_a_new_catalogue_at_once(catalogue_url: str, tmp_path: Path) -> None:
    code = "import sys; from archive.catalogue import Catalogue; Catalogue(sys.argv[1], migrate=True).dispose()"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, catalogue_url],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    engine = create_engine(catalogue_url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables) | {"alembic_version"}
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == migrate.head_revision()
    finally:
        engine.dispose()


def test_one_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: point the newer revision's down_revision at the other"


def test_the_newest_revision_file_is_alembics_head():
    """Opening a catalogue skips Alembic when it is at the newest file's revision: that must be the head."""
    assert quickread.newest_file_revision() == migrate.head_revision()
