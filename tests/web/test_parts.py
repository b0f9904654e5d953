"""Pure parts of the desk: evidence highlighting, form parsing, search queries, links, chart data."""

from __future__ import annotations

import pytest

from scraper.errors import UserError
from scraper.web.edits import parse_countries, parse_counts
from scraper.web.highlight import highlight
from scraper.web.render import markdown_html, safe_href
from scraper.web.search import fts5_query
from scraper.web.sources import chart_series


def test_highlight_marks_evidence_across_line_breaks_and_keeps_every_character():
    text = "Intro line.\nWe removed 12 Pages and\n 3 Groups today. Other words.\nLast."
    segments, found = highlight(text, ["We removed 12 Pages and 3 Groups today.", "Not in the text."])
    assert "".join(s.text for s in segments) == text
    marked = [s for s in segments if s.evidence is not None]
    assert [(s.evidence, s.text) for s in marked] == [(0, "We removed 12 Pages and\n 3 Groups today.")]
    assert found == {0}


def test_overlapping_evidence_is_marked_once():
    segments, found = highlight("A B C D", ["A B C", "B C D"])
    assert [s.text for s in segments if s.evidence is not None] == ["A B C"] and found == {0}


def test_counts_and_countries_from_the_edit_form():
    assert parse_counts("facebook_accounts = 1,200\n\ninstagram_accounts: 7\n") == {
        "facebook_accounts": 1200,
        "instagram_accounts": 7,
    }
    with pytest.raises(UserError, match="one `asset_type = number` per line"):
        parse_counts("lots of accounts")
    assert parse_countries(" Iran, , Iraq ,") == ["Iran", "Iraq"]


def test_search_words_cannot_inject_fts_operators():
    assert fts5_query('iran "OR" NEAR(x') == '"iran" """OR""" "NEAR(x"'
    assert fts5_query("   ") == ""


def test_links_only_for_http_and_markdown_sanitised():
    assert (
        safe_href("javascript:alert(1)") is None
        and safe_href(" JaVaScRiPt:x") is None
        and safe_href("data:text/html,x") is None
    )
    assert safe_href("https://example.org/a") == "https://example.org/a"
    html = markdown_html(
        "<i>ok</i> <script>x()</script> <img src=x onerror=y()> [a](javascript:z()) [b](https://example.org)"
    )
    assert "<i>ok</i>" in html and "<script" not in html and "onerror" not in html and 'href="javascript' not in html
    assert 'href="https://example.org"' in html


def test_chart_series_has_one_dataset_per_platform_over_all_months():
    chart = chart_series([("2021-10", "Meta", 3), ("2021-12", "Google", 1), ("2021-12", None, 2), (None, "Meta", 5)])
    assert chart["labels"] == ["2021-10", "2021-11", "2021-12"]  # an empty month keeps its place on the axis
    assert chart["datasets"] == [
        {"label": "Google", "data": [0, 0, 1]},
        {"label": "Meta", "data": [3, 0, 0]},
        {"label": "unknown", "data": [0, 0, 2]},
    ]
