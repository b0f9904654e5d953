"""DISARM's own pages survive parse -> render unchanged, byte for byte.

The round trip is what lets a curator's page (summary markup, line breaks,
trailing spaces, technique table, notes) come back exactly as DISARM wrote it.
"""

from __future__ import annotations

from scraper.stubs.disarm_page import parse_page, render_page

from ..conftest import SHARED

PAGES = sorted((SHARED / "disarm" / "incidents").glob("*.md"))


def test_every_real_disarm_page_renders_back_identical():
    assert PAGES, "no DISARM incident pages in ../shared/disarm/incidents"
    changed = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        page = parse_page(text)
        if render_page(page) != text:
            changed.append(path.name)
        assert parse_page(render_page(page)) == page, path.name  # fields survive even where bytes would not
    identical = len(PAGES) - len(changed)
    # the real count: every page of the shared set comes back byte-identical
    assert (identical, changed) == (len(PAGES), []), f"{identical} of {len(PAGES)} pages identical; changed: {changed}"


def test_multi_paragraph_summary_keeps_its_breaks_and_markup():
    multi = [p for p in PAGES if "<br><br>" in parse_page(p.read_text(encoding="utf-8")).summary]
    assert multi, "the shared pages have multi-paragraph summaries"
    for path in multi:
        text = path.read_text(encoding="utf-8")
        summary = parse_page(text).summary
        assert f"* **Summary:** {summary}\n\n* **incident type**" in text
        assert f"* **Summary:** {summary}\n" in render_page(parse_page(text))
