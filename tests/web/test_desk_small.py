"""Small desk fixes from issue 30, over plain HTTP: breadcrumbs, placeholders, error wording,
edit values, ignored query parameters, the sources chart's months, the startup line, log fields,
and a capture page's links to the stubs citing it."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from html import unescape

import httpx

from scraper.cli.common import _TextFormatter
from scraper.web.sources import chart_series

from .conftest import DFRLAB, WIRE, desk_config


def csrf_of(client: httpx.Client, base: str, stub_id: str) -> str:
    html = client.get(f"{base}/stubs/{stub_id}").text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_breadcrumb_links_are_apart_and_the_merge_box_suggests_another_stub(desk):
    first = desk.fetch(DFRLAB)["stub_id"]
    middle = desk.fetch(WIRE)["stub_id"]
    extra = "/2024/extra-report/"
    desk.sites.set(
        extra,
        b"<html><head><title>x</title></head><body><article><h1>Platform removes 41 Facebook accounts</h1>"
        b"<p>Facebook removed 41 accounts and 12 Pages from a network in Ruritania that posed as local news outlets. "
        b"The network targeted audiences in Freedonia with posts about regional politics.</p></article></body></html>",
    )
    desk.fetch(extra)
    html = httpx.get(f"{desk.base}/stubs/{middle}").text
    crumbs = text_of(re.search(r'<p class="crumbs">(.*?)</p>', html, re.S).group(1))
    assert ")older" not in crumbs.replace(" ", "") or "·" in crumbs
    assert re.search(r"newer \(TA-\d+\) · older \(" + re.escape(first) + r"\) →", crumbs), crumbs
    placeholder = re.search(r'id="merge-other"[^>]*placeholder="([^"]+)"', html).group(1)
    assert placeholder != middle


def test_error_pages_name_fields_and_buttons_not_command_line_flags(desk):
    stub = desk.fetch(DFRLAB)["stub_id"]
    with httpx.Client() as client:
        csrf = csrf_of(client, desk.base, stub)
        r = client.post(f"{desk.base}/stubs/{stub}/reject", data={"csrf": csrf, "reason": "  "})
        line = re.search(r'<p class="error-line">(.*?)</p>', r.text, re.S).group(1)
        assert r.status_code == 400 and "--" not in line and "Reason box" in line
        r = client.post(f"{desk.base}/stubs/{stub}/accept", data={"csrf": csrf, "disarm_id": "X1"})
        line = re.search(r'<p class="error-line">(.*?)</p>', r.text, re.S).group(1)
        assert "--" not in line and "DISARM id must look like" in line
        assert client.post(f"{desk.base}/stubs/{stub}/accept", data={"csrf": csrf}).status_code == 303
        r = client.post(f"{desk.base}/stubs/{stub}/reject", data={"csrf": csrf, "reason": "no"})
        line = re.search(r'<p class="error-line">(.*?)</p>', r.text, re.S).group(1)
        assert "takedowns stubs" not in line and "Reopen button" in line, line


def test_the_edits_table_shows_counts_as_a_curator_wrote_them(desk):
    stub = desk.fetch(DFRLAB)["stub_id"]
    with httpx.Client() as client:
        csrf = csrf_of(client, desk.base, stub)
        r = client.post(
            f"{desk.base}/stubs/{stub}/edit",
            data={"csrf": csrf, "counts": "facebook_accounts = 93\ninstagram_accounts = 4"},
        )
        assert r.status_code == 303
        html = client.get(f"{desk.base}/stubs/{stub}").text
    edits = text_of(re.search(r'<section class="edits">(.*?)</section>', html, re.S).group(1))
    assert "facebook_accounts = 93, instagram_accounts = 4" in edits
    assert "{" not in edits and "&#39;" not in edits


def test_the_queue_says_which_parameters_it_ignored(desk):
    desk.fetch(DFRLAB)
    html = httpx.get(f"{desk.base}/queue?from=notadate&page=abc&sort=sideways").text
    notes = [text_of(n) for n in re.findall(r'<p class="warning ignored">(.*?)</p>', html, re.S)]
    assert any("from='notadate' is not a date" in n for n in notes), notes
    assert any("page='abc' is not a page number" in n for n in notes), notes
    assert any("sort='sideways'" in n for n in notes), notes
    assert 'class="warning ignored"' not in httpx.get(f"{desk.base}/queue?from=2020-01-01&page=1").text


def test_the_queue_shows_targets_counts_and_summary_and_filters_by_target(desk):
    dfrlab, wire = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    with httpx.Client() as client:
        csrf = csrf_of(client, desk.base, dfrlab)
        client.post(
            f"{desk.base}/stubs/{dfrlab}/edit",
            data={"csrf": csrf, "targets": "Portugal, Chile", "summary": "A network posing as local media."},
        )
    html = httpx.get(f"{desk.base}/queue").text
    row = re.search(rf'<tr data-row[^>]*data-stub-id="{dfrlab}">(.*?)</tr>', html, re.S).group(1)
    assert "Portugal, Chile" in text_of(row) and "A network posing as local media." in row
    assert "total_assets = 783" in text_of(row)
    only = httpx.get(f"{desk.base}/queue?target=portugal").text
    assert f'data-stub-id="{dfrlab}"' in only and f'data-stub-id="{wire}"' not in only


def test_the_queue_sorts_by_column(desk):
    dfrlab, wire = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    order = lambda html: re.findall(r'data-stub-id="([^"]+)"', html)  # noqa: E731
    assert order(httpx.get(f"{desk.base}/queue").text) == [wire, dfrlab]  # newest first
    assert order(httpx.get(f"{desk.base}/queue?sort=oldest").text) == [dfrlab, wire]
    assert order(httpx.get(f"{desk.base}/queue?sort=published").text) == [dfrlab, wire]  # 2019 before 2022
    assert order(httpx.get(f"{desk.base}/queue?sort=-published").text) == [wire, dfrlab]
    html = httpx.get(f"{desk.base}/queue?sort=published").text
    assert 'href="/queue?status=new&amp;sort=-published"' in html  # the header link turns the order round


def test_a_capture_page_links_to_the_stubs_that_cite_it(desk):
    done = desk.fetch(DFRLAB)
    stub, capture = done["stub_id"], done["capture_id"]
    html = httpx.get(f"{desk.base}/captures/{capture}").text
    assert re.search(rf'<a href="/stubs/{stub}">{stub}</a>', html), "no link to the citing stub"


def test_the_sources_chart_keeps_empty_months():
    chart = chart_series([("2024-11", "facebook", 2), ("2025-02", "facebook", 1), ("2025-01", "x", 3)])
    assert chart["labels"] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert chart["datasets"] == [{"label": "facebook", "data": [2, 0, 0, 1]}, {"label": "x", "data": [0, 0, 3, 0]}]


def test_log_lines_keep_the_source_when_its_name_is_in_the_message():
    record = logging.LogRecord(
        "takedowns", logging.WARNING, __file__, 1, "newsroom: 3 items from newsroom failed", None, None
    )
    record.source = "newsroom"
    assert _TextFormatter().format(record).endswith("[source=newsroom]")
    record.msg = "poll done source=newsroom"
    assert "[source=" not in _TextFormatter().format(record)


def test_the_startup_line_is_not_a_warning(tmp_path):
    cfg = desk_config(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper", "serve", "--port", "0", "--config", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert line.startswith("review desk on http://127.0.0.1:"), line
    assert "warning" not in line


def test_exports_follow_the_queue_filters_and_take_since(desk):
    import csv
    import io

    dfrlab, wire = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    with httpx.Client() as client:
        csrf = csrf_of(client, desk.base, dfrlab)
        client.post(f"{desk.base}/stubs/{dfrlab}/edit", data={"csrf": csrf, "targets": "Portugal"})
        queue = client.get(f"{desk.base}/queue?target=Portugal").text
        link = unescape(re.search(r'<a href="(/export/incidents\.csv[^"]*)"', queue).group(1))
        assert "target=Portugal" in link
        rows = list(csv.DictReader(io.StringIO(client.get(desk.base + link).text)))
        assert len(rows) == 1
        assert dfrlab in client.get(desk.base + link).text and wire not in client.get(desk.base + link).text
        everything = client.get(f"{desk.base}/export/incidents.csv").text  # no filter: what `stubs export` picks
        assert dfrlab in everything and wire in everything
        techniques = client.get(f"{desk.base}/export/incidenttechniques.csv?status=")
        assert techniques.status_code == 200 and techniques.text.startswith(
            "disarm_id,name,incident_id,technique_ids,summary"
        )
        later = client.get(f"{desk.base}/export?name=incidents.csv&since=2999-01-01")
        assert later.status_code == 200 and dfrlab not in later.text and wire not in later.text
        bad = client.get(f"{desk.base}/export?name=incidents.csv&since=yesterday")
        assert bad.status_code == 400 and "since 'yesterday' is not a time" in unescape(bad.text)
        misp = client.get(
            f"{desk.base}/export/stubs-misp.zip?target=Portugal", timeout=60
        )  # pymisp takes seconds to import
        assert misp.status_code == 200
        import zipfile

        assert [n for n in zipfile.ZipFile(io.BytesIO(misp.content)).namelist()] == [f"{dfrlab}.misp.json"]
        assert 'data-export="stubs-stix.json"' in queue and 'data-export="incidenttechniques.csv"' in queue


def test_the_queue_filters_stubs_whose_counts_disagree(desk):
    from sqlalchemy import update

    from archive.catalogue import Catalogue
    from archive.tables import Stub
    from scraper.config import load_config

    dfrlab, wire = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    catalogue = Catalogue(load_config(str(desk.config)).catalogue_url, migrate=True)
    try:  # as the stub stage sets it when a second report states other counts
        with catalogue.session() as s:
            s.execute(update(Stub).where(Stub.stub_id == wire).values(counts_disagree=True))
    finally:
        catalogue.dispose()
    html = httpx.get(f"{desk.base}/queue?disagree=1").text
    assert re.findall(r'data-stub-id="([^"]+)"', html) == [wire]
    assert 'name="disagree" value="1" checked' in html
    assert 'class="badge disagree"' in html
    assert dfrlab in httpx.get(f"{desk.base}/export/incidents.csv?status=").text
    assert dfrlab not in httpx.get(f"{desk.base}/export/incidents.csv?status=&disagree=1").text


def test_the_queue_lists_stubs_with_values_to_check_first(desk):
    """A stub whose report holds a value found by a weaker rule (a count in words, here) is flagged
    by the stub stage itself and is what the "Values to check" filter and its export list."""
    sure, unsure = "/2024/sure-report/", "/2024/unsure-report/"
    desk.sites.set(
        sure,
        b"<html><head><title>Platform removes 41 Facebook accounts</title></head><body><article>"
        b"<h1>Platform removes 41 Facebook accounts</h1><p>Facebook removed 41 accounts and 12 Pages from a network "
        b"that posed as local news outlets.</p></article></body></html>",
    )
    desk.sites.set(
        unsure,
        b"<html><head><title>Network taken down</title></head><body><article><h1>Network taken down</h1>"
        b"<p>Facebook removed thirteen accounts run from Moldova that posed as local news outlets.</p></article></body></html>",
    )
    checked, plain = desk.fetch(unsure)["stub_id"], desk.fetch(sure)["stub_id"]
    html = httpx.get(f"{desk.base}/queue?check=1").text
    assert re.findall(r'data-stub-id="([^"]+)"', html) == [checked]
    assert 'name="check" value="1" checked' in html and 'class="badge check"' in html
    assert plain in httpx.get(f"{desk.base}/export/incidents.csv?status=").text
    exported = httpx.get(f"{desk.base}/export/incidents.csv?status=&check=1").text
    assert checked in exported and plain not in exported
