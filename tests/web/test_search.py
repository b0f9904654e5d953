"""The desk's full-text search on both catalogues: SQLite FTS5, and PostgreSQL's to_tsvector
on a real server (when TAKEDOWNS_TEST_PG_URL is set), with the same assertions; a search reads
a window of the newest matches, never the whole match set."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from scraper.web import search

from ..conftest import make_config
from .conftest import DFRLAB, WIRE, Desk, cli, report_page, serve_desk

LATE = "/2019/06/late-report/"


def found(base: str, words: str) -> list[str]:
    """Stub ids the queue lists for a search (the page's rows, as a curator sees them)."""
    response = httpx.get(f"{base}/queue", params={"q": words})
    assert response.status_code == 200, response.text[:300]
    return re.findall(r"<tr[^>]*data-row[^>]*>.*?(TA-\d{5})", response.text, re.DOTALL)


def search_index(catalogue_url: str) -> set[str]:
    """The catalogue's full-text index objects, as the database lists them."""
    engine = create_engine(catalogue_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'report_fts%'")))
            return set(
                conn.scalars(
                    text(
                        "SELECT indexname FROM pg_indexes WHERE tablename = 'reports' AND indexdef LIKE '%to_tsvector%'"
                    )
                )
            )
    finally:
        engine.dispose()


@pytest.fixture
def desk(tmp_path, sites, catalogue_url) -> Iterator[Desk]:
    cfg = make_config(
        tmp_path,
        '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/article" = "EIN Presswire"\n',
        catalogue=catalogue_url,
    )
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
    desk.sites.set(
        LATE, report_page("A late network", "We removed 14 Facebook accounts that impersonated zookeepers in Testland.")
    )
    stub_id = desk.fetch(LATE)["stub_id"]  # written by another process while the desk runs
    assert found(desk.base, "zookeepers") == [stub_id]
    assert found(desk.base, "zookeeper impersonating") == [stub_id]  # both engines stem English words
    shown = cli("stubs", "show", stub_id, "--config", desk.config, "--json")
    assert shown.exit_code == 0


def test_a_stub_is_found_by_a_name_the_curator_gave_it(desk):
    dfrlab = desk.fetch(DFRLAB)["stub_id"]
    assert found(desk.base, "wombats") == []
    assert cli("stubs", "edit", dfrlab, "--name", "Wombats of the steppe", "--config", desk.config).exit_code == 0
    assert found(desk.base, "wombats") == [dfrlab]  # in no report: the stub's own name


COUNTRIES = ["Kenya", "Ghana", "Peru", "Chile", "Nepal"]


def summary(response: httpx.Response) -> str:
    match = re.search(r'<p class="summary">(.*?)</p>', response.text, re.DOTALL)
    assert match, response.text[:300]
    return match.group(1)


def test_a_search_reads_a_window_of_the_newest_matches_and_pages_on(tmp_path, sites, catalogue_url, monkeypatch):
    """With more matching reports than the window, the count is a lower bound ("4+"), the page
    lists the newest stubs, and the next pages (wider windows) reach every match exactly once."""
    monkeypatch.setattr(
        search, "CAP", 1
    )  # window = max(CAP, 4 x (offset + page size)): 4 reports for page 1, 8 for page 2
    cfg = make_config(tmp_path, "[web]\npage_size = 1\n", catalogue=catalogue_url)
    with serve_desk(cfg) as base:
        desk = Desk(base, cfg, sites)
        made = []
        for n, country in enumerate(COUNTRIES):  # years apart and from different countries: five stubs
            path = f"/{2015 + n}/quokka-{n}/"
            sites.set(
                path,
                report_page(
                    f"Network {n} in {country}",
                    f"We removed {40 + n} Facebook accounts operated from {country} that praised quokkas.",
                    date=f"{2015 + n}-04-02",
                ),
            )
            made.append(desk.fetch(path)["stub_id"])
        assert len(set(made)) == 5
        first = httpx.get(f"{base}/queue", params={"q": "quokkas", "status": ""})
        assert summary(first).startswith("4+ stubs")  # the newest 4 matching reports, of 5
        listed, url = [], f"{base}/queue?status=&q=quokkas"
        while url:
            page = httpx.get(url)
            listed += re.findall(r"<tr[^>]*data-row[^>]*>.*?(TA-\d{5})", page.text, re.DOTALL)
            nxt = re.search(r'<a rel="next" href="([^"]+)"', page.text)
            url = base + nxt.group(1).replace("&amp;", "&") if nxt else ""
        assert listed == sorted(made, reverse=True)  # newest first, each once, none missed
        assert summary(page).startswith("5 stubs, page 5 of 5")  # the last window held every match
