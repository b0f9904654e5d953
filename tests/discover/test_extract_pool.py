"""A poll extracts in worker processes while it fetches the next pages, and still makes stubs in the order it found the items."""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time

import pytest

import scraper.extract.pool
from archive.catalogue import Catalogue
from archive.tables import ReportRow, Stub, StubReference
from scraper.config import load_config
from scraper.devserver import Answer, Request
from scraper.discover.poll import InOrder
from scraper.extract import ExtractError, extract_report

from ..conftest import make_config, run_cli
from .test_sources import report, rss


def extract_noting_pid(content: bytes, **kwargs):
    """extract_report, noting which process ran it (top level: it is pickled by name to the workers)."""
    found = extract_report(content, **kwargs)
    found.warnings.append(f"extracted in pid {os.getpid()}")
    return found


@pytest.fixture
def noting_pid(monkeypatch):
    monkeypatch.setattr(scraper.extract.pool, "extract_report", extract_noting_pid)


def poll_three(site_server, tmp_path, workers: int) -> tuple[list[str], dict[str, int], list[str]]:
    """Three reports in a feed; the first answers only once the second has been asked for (it is
    still being fetched while the second is fetched and extracted). Returns the report URLs, the pid
    that extracted each, and the stubs' first reference URLs in stub-id order."""
    second_asked = threading.Event()
    paths = ["/news/a/", "/news/b/", "/news/c/"]
    pages = {p: report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n) for n, p in enumerate(paths)}

    def slow_first(request: Request) -> Answer:
        second_asked.wait(timeout=30 if workers else 0)  # with items in flight the second is asked for first
        return Answer(200, pages[paths[0]].encode(), {"Content-Type": "text/html; charset=utf-8"})

    def second(request: Request) -> Answer:
        second_asked.set()
        return Answer(200, pages[paths[1]].encode(), {"Content-Type": "text/html; charset=utf-8"})

    site_server.routes[paths[0]] = slow_first
    site_server.routes[paths[1]] = second
    site_server.set(paths[2], pages[paths[2]])
    catalogue = poll_feed(site_server, tmp_path, paths, workers)
    try:
        with catalogue.session() as s:
            pids = {
                r.url: int(next(w for w in r.data["warnings"] if w.startswith("extracted in pid")).rsplit(" ", 1)[1])
                for r in s.query(ReportRow)
            }
            firsts = first_references(s)
    finally:
        catalogue.dispose()
    return [site_server.url(p) for p in paths], pids, firsts


def poll_feed(site_server, tmp_path, paths: list[str], workers: int) -> Catalogue:
    """`poll` (the real CLI) a feed listing `paths`, which must all be kept; the catalogue it wrote."""
    site_server.set(
        "/feed/", rss([(f"Report {n}", site_server.url(p), "We removed a network.") for n, p in enumerate(paths)])
    )
    cfg = make_config(
        tmp_path,
        f'[extract]\nworkers = {workers}\n\n[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\norg = "Meta"\n',
    )
    result = run_cli("poll", "newsroom", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    [out] = json.loads(result.stdout)
    assert out["kept"] == len(paths), out
    return Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)


def first_references(s) -> list[str]:
    """Each stub's first reference URL, in stub-id order (the order stubs were made)."""
    return [
        s.query(StubReference).filter_by(stub_pk=st.id).order_by(StubReference.id).first().url
        for st in s.query(Stub).order_by(Stub.id)
    ]


def test_workers_extract_in_other_processes_and_stubs_keep_the_found_order(site_server, tmp_path, noting_pid):
    urls, pids, stub_order = poll_three(site_server, tmp_path, workers=2)
    assert set(pids) == set(urls) and all(pid != os.getpid() for pid in pids.values())  # never in the polling process
    assert stub_order == urls  # the first item finished last, yet its stub is TA-00001


def test_no_workers_still_extracts_in_a_worker_process(site_server, tmp_path, noting_pid):
    """Without workers a page is extracted after it is stored, one at a time, but never in the polling
    process: only another process can be held to the page's CPU, memory and time limits."""
    urls, pids, stub_order = poll_three(site_server, tmp_path, workers=0)
    assert os.getpid() not in pids.values() and stub_order == urls


def test_in_order_lets_each_item_through_after_all_earlier_ones():
    async def scenario() -> dict[int, set[int]]:
        turns, finished, seen_at_pass = InOrder(), set(), {}

        async def item(n: int) -> None:
            await turns.wait(n)
            seen_at_pass[n] = set(finished)

        waiting = [asyncio.create_task(item(n)) for n in (3, 1, 2)]
        await asyncio.sleep(0)
        assert seen_at_pass == {}
        for n in (2, 0, 1):  # earlier items finish out of order
            finished.add(n)
            turns.done(n)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        await asyncio.gather(*waiting)
        return seen_at_pass

    passed = asyncio.run(scenario())
    assert sorted(passed) == [1, 2, 3]
    assert all(set(range(n)) <= done for n, done in passed.items()), passed
    assert passed[1] == {0, 2}  # item 1 went as soon as item 0 was done, before item 1 itself


def extract_waiting_for_flag(content: bytes, **kwargs):
    """extract_report, which first waits (in the worker) for the file a page names in a `wait-for` comment."""
    marker = re.search(rb"<!-- wait-for: (.+?) -->", content)
    if marker:
        deadline = time.monotonic() + 30
        while not os.path.exists(marker.group(1).decode()):
            if time.monotonic() > deadline:
                raise ExtractError("the page this extraction waited for was never asked for")
            time.sleep(0.01)
    return extract_report(content, **kwargs)


def test_items_waiting_for_their_stub_turn_let_later_pages_be_fetched(site_server, tmp_path, monkeypatch):
    """The first page's extraction finishes only once the sixth page has been asked for: the items
    behind it are extracted meanwhile and wait for their stub turn, and must give their in-flight
    places up (with workers = 2 only four items are between fetch and the end of their store at a time)."""
    monkeypatch.setattr(scraper.extract.pool, "extract_report", extract_waiting_for_flag)
    flag = tmp_path / "sixth-asked"
    paths = [f"/news/{n}/" for n in range(7)]
    pages = {
        p: report(f"Coordinated inauthentic behavior report {n}", 30 + 10 * n).encode() for n, p in enumerate(paths)
    }
    pages[paths[0]] = pages[paths[0]].replace(b"</body>", f"<!-- wait-for: {flag} --></body>".encode())

    def sixth(request: Request) -> Answer:
        flag.touch()
        return Answer(200, pages[paths[5]], {"Content-Type": "text/html; charset=utf-8"})

    for p in paths:
        site_server.set(p, pages[p])
    site_server.routes[paths[5]] = sixth
    catalogue = poll_feed(site_server, tmp_path, paths, workers=2)
    try:
        with catalogue.session() as s:
            firsts = first_references(s)
    finally:
        catalogue.dispose()
    assert firsts == [site_server.url(p) for p in paths]  # still in the order found
