"""Migration 0007: a stub's stored notes are cut into its references' blocks, losing no text, and joined back on downgrade."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command

from archive import migrate
from archive.catalogue import Catalogue
from archive.tables import Stub, StubReference
from scraper.stubs import store

BEFORE = "0006_report_chart_keys"
WHEN = datetime(2026, 1, 2, 3, 4, 5)


def block(url: str, accounts: int) -> str:
    return f'Extracted by takedown-archiver from {url}:\n- network 1: origin Iran facebook_accounts={accounts}\n  evidence: "We took down {accounts} accounts."'


def _at(url: str, revision: str, *, down: bool = False) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            (command.downgrade if down else command.upgrade)(migrate.alembic_config(conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def _old_catalogue(url: str, stubs: list[dict], refs: list[dict]) -> None:
    _at(url, BEFORE)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            meta = sa.MetaData()
            stub_table = sa.Table("stubs", meta, autoload_with=conn)
            ref_table = sa.Table("stub_references", meta, autoload_with=conn)
            conn.execute(
                stub_table.insert(),
                [
                    {
                        "status": "new",
                        "summary": "",
                        "incident_type": "incident",
                        "year_started": "",
                        "platform": "Meta",
                        "origin": ["Iran"],
                        "targets": [],
                        "counts": {},
                        "found_via": "",
                        "date_added": "2026-01-02",
                        "created_at": WHEN,
                        "updated_at": WHEN,
                        "edited_fields": [],
                        **row,
                    }
                    for row in stubs
                ],
            )
            conn.execute(
                ref_table.insert(),
                [
                    {
                        "normalised_url": row["url"],
                        "pub_date": "",
                        "authors": "",
                        "org": "",
                        "title": "",
                        "merge_reason": "",
                        "merged_from": None,
                        "added_at": WHEN,
                        **row,
                    }
                    for row in refs
                ],
            )
    finally:
        engine.dispose()


def test_stored_notes_move_to_their_references_and_back(catalogue_url: str, tmp_path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    u = [f"https://example.org/r/{i}" for i in range(7)]
    curated = "Counts corrected by a curator: facebook_accounts=5"
    # The old release appended a merged report after the curator's line; a curator's merge (merged_from) lists last.
    edited_notes = "\n".join([block(u[0], 11), block(u[1], 12), curated, block(u[2], 13)])
    legacy_notes = "Notes written by an early release without blocks.\n" + block(u[4], 14)
    stray_notes = block(u[6], 15)  # names a URL the stub no longer cites
    _old_catalogue(
        catalogue_url,
        [
            {
                "id": 1,
                "stub_id": "TA-00001",
                "name": "edited",
                "notes": edited_notes,
                "edited_fields": ["counts"],
                "counts": {"facebook_accounts": 5},
            },
            {"id": 2, "stub_id": "TA-00002", "name": "legacy", "notes": legacy_notes},
            {"id": 3, "stub_id": "TA-00003", "name": "stray", "notes": stray_notes},
        ],
        [
            {"id": 1, "stub_pk": 1, "url": u[0]},
            {"id": 2, "stub_pk": 1, "url": u[2], "merged_from": "TA-00009"},
            {"id": 3, "stub_pk": 1, "url": u[1]},
            {"id": 4, "stub_pk": 2, "url": u[3]},
            {"id": 5, "stub_pk": 2, "url": u[4]},
            {"id": 6, "stub_pk": 3, "url": u[5]},
        ],
    )

    catalogue = Catalogue(catalogue_url, migrate=True)  # upgrades to the head
    try:
        with catalogue.session() as s:
            notes = dict(s.execute(sa.select(StubReference.id, StubReference.notes)).all())
            assert notes == {
                1: block(u[0], 11),
                2: block(u[2], 13),
                3: block(u[1], 12),
                4: "Notes written by an early release without blocks.",
                5: block(u[4], 14),
                6: stray_notes,
            }
            stubs = {st.id: st for st in s.scalars(sa.select(Stub))}
            # read back as blocks parted by a blank line (a Markdown list item would swallow the next block)
            assert store.notes_of(s, stubs[1]) == "\n\n".join(
                [block(u[0], 11), block(u[1], 12), block(u[2], 13), curated]
            )
            assert store.notes_of(s, stubs[2]) == "Notes written by an early release without blocks.\n\n" + block(
                u[4], 14
            )
            assert store.notes_of(s, stubs[3]) == stray_notes
            listing = store.load_listing(s, notes=True)
            assert [listing.notes(st) for st in listing.stubs] == [store.notes_of(s, stubs[i]) for i in (1, 2, 3)]
    finally:
        catalogue.dispose()

    _at(catalogue_url, BEFORE, down=True)
    engine = sa.create_engine(catalogue_url)
    try:
        with engine.connect() as conn:
            back = dict(conn.execute(sa.text("SELECT id, notes FROM stubs")).all())
    finally:
        engine.dispose()
    assert back == {
        1: "\n".join([block(u[0], 11), block(u[1], 12), block(u[2], 13), curated]),
        2: legacy_notes,
        3: stray_notes,
    }


def test_split_keeps_every_line() -> None:
    from importlib import import_module

    split = import_module("archive.migrations.versions.0007_reference_notes").split_blocks
    notes = "\n".join([block("a", 1), block("b", 2), block("a", 3)])
    assert split(notes, ["a", "b", "a"], curator_edited=False) == [block("a", 1), block("b", 2), block("a", 3)]
    assert split(notes, ["a", "b"], curator_edited=False) == [block("a", 1) + "\n" + block("a", 3), block("b", 2)]
    assert split("", ["a"], curator_edited=False) == [""]
