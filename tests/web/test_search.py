"""The desk's full-text search on both catalogues: SQLite FTS5, and PostgreSQL's to_tsvector
on a real server (when TAKEDOWNS_TEST_PG_URL is set), with the same assertions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from ..conftest import make_config
from .conftest import DFRLAB, WIRE, Desk, cli, report_page, serve_desk

LATE = "/2019/06/late-report/"


def found(base: str, words: str) -> list[str]:
    """Stub ids the queue lists for a search (the page's rows, as a curator sees them)."""
    response = httpx.get(f"{base}/queue", params={"q": words})
    assert response.status_code == 200, response.text[:300]
    return re.findall(r'<tr[^>]*data-row[^>]*>.*?(TA-\d{5})', response.text, re.DOTALL)


def search_index(catalogue_url: str) -> set[str]:
    """The catalogue's full-text index objects, as the database lists them."""
    engine = create_engine(catalogue_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'report_fts%'")))
            return set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'reports' AND indexdef LIKE '%to_tsvector%'")))
    finally:
        engine.dispose()


@pytest.fixture
def desk(tmp_path, sites, catalogue_url) -> Iterator[Desk]:
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/article" = "EIN Presswire"\n', catalogue=catalogue_url)
    with serve_desk(cfg) as base:
        assert search_index(catalogue_url) & {"report_fts", "ix_reports_fulltext"}  # made when the desk started
        yield Desk(base, cfg, sites)


def test_search_finds_clean_text_words_on_either_catalogue(desk):
    dfrlab = desk.fetch(DFRLAB)["stub_id"]
    wire = desk.fetch(WIRE)["stub_id"]
    assert found(desk.base, "StopMEK") == [dfrlab]  # only in the report's clean text, not its title
    assert found(desk.base, "stopmek") == [dfrlab]  # case does not matter
    assert found(desk.base, "nosuchwordanywhere") == []
    assert found(desk.base, "StopMEK nosuchwordanywhere") == []  # every word must match
    assert sorted(found(desk.base, "")) == sorted([dfrlab, wire])
    assert found(desk.base, 'iran "OR" NEAR(x') == []  # operators are words, never syntax errors


def test_reports_stored_after_the_desk_started_are_searchable_and_stemmed(desk):
    desk.sites.set(LATE, report_page("A late network", "We removed 14 Facebook accounts that impersonated zookeepers in Testland."))
    stub_id = desk.fetch(LATE)["stub_id"]  # written by another process while the desk runs
    assert found(desk.base, "zookeepers") == [stub_id]
    assert found(desk.base, "zookeeper impersonating") == [stub_id]  # both engines stem English words
    shown = cli("stubs", "show", stub_id, "--config", desk.config, "--json")
    assert shown.exit_code == 0
