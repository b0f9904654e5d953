"""The queue's origin filter reads `stub_countries`, an index kept in step with each stub's
origin and targets by the storage library's write path (fetch, curator edits), back-filled by
migration 0008 for catalogues written before it, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
from alembic import command
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from archive import migrate
from archive.catalogue import Catalogue
from archive.tables import Stub, StubCountry
from scraper.config import load_config
from scraper.web.queue import QueueFilter, load_queue

from ..conftest import make_config
from .conftest import DFRLAB, WIRE, Desk, cli, report_page, serve_desk

HERE = "/2020/05/here-report/"


def listed(base: str, **params: str) -> list[str]:
    response = httpx.get(f"{base}/queue", params={"status": "", **params})
    assert response.status_code == 200, response.text[:300]
    return re.findall(r"<tr[^>]*data-row[^>]*>.*?(TA-\d{5})", response.text, re.DOTALL)


def index_rows(catalogue_url: str) -> dict[str, set[tuple[str, str]]]:
    catalogue = Catalogue(catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            out: dict[str, set[tuple[str, str]]] = {}
            for stub_id, role, country in s.execute(
                select(Stub.stub_id, StubCountry.role, StubCountry.country).join(Stub, Stub.id == StubCountry.stub_pk)
            ):
                out.setdefault(stub_id, set()).add((role, country))
            return out
    finally:
        catalogue.dispose()


def expected_rows(desk: Desk) -> dict[str, set[tuple[str, str]]]:
    """What the index must hold: every stub's origin and targets as `stubs show` reports them, case-folded."""
    out: dict[str, set[tuple[str, str]]] = {}
    for stub_id in desk.stubs():
        shown = desk.show(stub_id)
        rows = {("origin", c.casefold()) for c in shown["origin"]} | {
            ("target", c.casefold()) for c in shown["targets"]
        }
        if rows:
            out[stub_id] = rows
    return out


def test_origin_filter_follows_fetches_and_edits_on_either_catalogue(tmp_path, sites, catalogue_url):
    cfg = make_config(
        tmp_path,
        '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/article" = "EIN Presswire"\n',
        catalogue=catalogue_url,
    )
    sites.set(
        HERE,
        report_page(
            "A network in Testland",
            "We removed 31 Facebook accounts operated from Kenya that targeted audiences in Uganda.",
        ),
    )
    with serve_desk(cfg) as base:
        desk = Desk(base, cfg, sites)
        dfrlab, wire, here = (desk.fetch(path)["stub_id"] for path in (DFRLAB, WIRE, HERE))
        assert "Kenya" in desk.show(here)["origin"]
        assert listed(base, origin="Kenya") == [here]
        assert listed(base, origin="kenya") == [here]  # whatever case the curator types
        assert listed(base, origin="Uganda") == []  # a target, not an origin
        assert listed(base, origin="Ken") == []  # whole names, not substrings
        assert index_rows(catalogue_url) == expected_rows(desk)

        assert cli("stubs", "edit", here, "--origin", "Côte d'Ivoire, Ghana", "--config", cfg).exit_code == 0
        assert listed(base, origin="Kenya") == []
        assert listed(base, origin="côte d'ivoire") == [here]
        assert listed(base, origin="Ghana", status="new") == [here]
        assert listed(base, origin="Ghana", status="accepted") == []  # with the other filters
        assert index_rows(catalogue_url) == expected_rows(desk)
        assert {dfrlab, wire} <= set(listed(base))


def test_migration_0008_back_fills_the_index_of_stubs_written_before_it(tmp_path, sites):
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n')
    sites.set(
        HERE,
        report_page(
            "A network in Testland",
            "We removed 31 Facebook accounts operated from Kenya that targeted audiences in Uganda.",
        ),
    )
    desk = Desk("", cfg, sites)
    for path in (DFRLAB, HERE):
        desk.fetch(path)
    url = load_config(str(cfg)).catalogue_url
    written = index_rows(url)
    assert written == expected_rows(desk) and len(written) == 2
    catalogue = Catalogue(url, migrate=True)
    with catalogue.engine.connect() as conn:  # back to the release before the index: its table is gone
        migrate._sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")  # as migrate.upgrade does: batch steps copy tables
        command.downgrade(migrate.alembic_config(conn), "0007_reference_notes")
        conn.commit()
        assert not conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'stub_countries'"))
    migrate.upgrade(catalogue.engine)
    catalogue.dispose()
    assert index_rows(url) == written


def test_the_filter_and_its_count_are_index_lookups_not_scans(tmp_path, sites):
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n')
    Desk("", cfg, sites).fetch(DFRLAB)
    statements: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, *_args) -> None:
        statements.append((statement, parameters))

    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        for status in ("", "new"):
            event.listen(Engine, "before_cursor_execute", remember)
            try:
                page = load_queue(s, QueueFilter(status=status, origin="iran"), 20)
            finally:
                event.remove(Engine, "before_cursor_execute", remember)
            assert page.total == len(page.rows) == 1
        for statement, parameters in statements:
            if "stub_countries" in statement:
                plan = " | ".join(
                    row[-1] for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                )
                assert "ix_stub_countries_role_country" in plan, plan
                assert "SCAN stubs" not in plan and "SCAN stub_countries" not in plan, plan
    catalogue.dispose()
    assert sum("stub_countries" in statement for statement, _ in statements) == 4  # count and page, twice
