"""DISARM's incident page format: real pages parse, and what we write parses back (round trip: test_roundtrip.py)."""

from __future__ import annotations

import pytest

from scraper.stubs.disarm_page import IncidentPage, Reference, parse_page, render_page
from scraper.stubs.escape import markup, plain, safe_url, single_line
from scraper.stubs.urls import master_urls
from scraper.urls import normalise_url

from ..conftest import SHARED

PAGES = sorted((SHARED / "disarm" / "incidents").glob("*.md"))


def test_parsed_i00128_matches_disarm():
    page = parse_page((SHARED / "disarm" / "incidents" / "I00128.md").read_text())
    assert page.id == "I00128" and page.name == "#TrollTracker: Outward Influence Operation From Iran"
    assert page.summary.startswith("<i>Facebook removed 783 assets") and page.summary.endswith(
        "</i>"
    )  # the cell, markup kept
    [ref] = page.references
    assert ref.pub_date == "2019/01/31" and ref.org == "DFRLab"
    assert ref.authors == "Kanishk Karan, Donara Barojan, Melissa Hall, Graham Brookie"
    assert ref.archive.startswith("https://web.archive.org/web/20240618014243/")
    assert page.techniques.count("\n| [T0") >= 4 or page.techniques.startswith("| [T0")


def test_hostile_values_cannot_break_the_table_or_inject_markup():
    hostile = IncidentPage(
        id="TA-00001",
        name=single_line("Evil | <script>alert(1)</script>\nsecond line"),
        summary=markup(["a | b <img src=x onerror=alert(1)>\nnext", "second paragraph"]),
        references=[
            Reference(
                safe_url("https://x.org/a|b (c)"),
                "2021/01/02",
                single_line("A | B", table=True),
                single_line("<b>Org</b>", table=True),
                "",
            )
        ],
    )
    text = render_page(hostile)
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    # only what would become markup is escaped: a pipe outside a table and a '>' are harmless
    assert "* **Summary:** <i>a | b &lt;img src=x onerror=alert(1)> next<br><br>second paragraph</i>\n" in text
    row = next(line for line in text.splitlines() if line.startswith("| [https://x.org"))
    assert row.count("|") == 6  # five cells, nothing spilled over
    assert row.endswith("| []() |")  # a pending archive: what DISARM's generator makes of an empty cell
    assert parse_page(text) == hostile
    assert plain(hostile.name) == "Evil | <script>alert(1)</script> second line"


def test_url_normalisation_matches_spellings_of_one_report():
    base = normalise_url("https://medium.com/dfrlab/trolltracker-outward-influence-operation-from-iran-cc4539684c8d")
    for variant in [
        "http://www.medium.com/dfrlab/trolltracker-outward-influence-operation-from-iran-cc4539684c8d/",
        "https://medium.com/@DFRLab/trolltracker-outward-influence-operation-from-iran-cc4539684c8d?utm_source=twitter&fbclid=abc",
        "https://Medium.com/dfrlab/trolltracker-outward-influence-operation-from-iran-cc4539684c8d#section",
    ]:
        assert normalise_url(variant) == base
    assert normalise_url("https://x.org/a?id=5") != normalise_url("https://x.org/a?id=6")


def test_master_spreadsheet_urls_are_known():
    known = master_urls(SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx")
    assert (
        normalise_url("https://medium.com/@DFRLab/trolltracker-outward-influence-operation-from-iran-cc4539684c8d")
        in known
    )
    assert normalise_url("https://about.fb.com/news/2020/09/removing-coordinated-inauthentic-behavior-russia/") in known
    assert len(known) > 50


def test_missing_master_spreadsheet_is_a_clear_error(tmp_path):
    from scraper.errors import UserError

    with pytest.raises(UserError, match="not found"):
        master_urls(tmp_path / "nope.xlsx")
