"""The notes below a stub page's footer parse as Markdown the way they read: one paragraph per
cited report ("Extracted by ..."), its networks a list, the curator's counts a paragraph of their own."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt

from archive.catalogue import Catalogue
from scraper.config import load_config
from scraper.stubs import review
from scraper.stubs.disarm_page import FOOTER

from ..conftest import run_cli
from .test_queue import PLATFORM_REPORT, config, fetch, serve_seeds


def top_level_paragraphs(markdown: str) -> list[str]:
    """The text of each paragraph that stands on its own (not inside a list item)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open" and t.level == 0]


def test_each_reports_extracted_by_line_is_its_own_paragraph(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/september-2021-cib-report/", PLATFORM_REPORT)
    _, wire_url = serve_seeds(site_server)
    stub_id = fetch(cfg, site_server.url("/news/2021/10/september-2021-cib-report/"))["stub_id"]
    assert fetch(cfg, wire_url)["stub_id"] == stub_id
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        review.edit(catalogue, stub_id, {"counts": {"facebook_accounts": 90}})
    finally:
        catalogue.dispose()
    page = json.loads(run_cli("stubs", "show", stub_id, "--config", cfg, "--json").stdout)["page"]
    notes = page.split(FOOTER, 1)[1]
    paragraphs = top_level_paragraphs(notes)
    extracted = [p for p in paragraphs if p.startswith("Extracted by takedown-archiver from ")]
    assert len(extracted) == 2, paragraphs  # the second was swallowed into the first report's last list item
    assert all(p.count("Extracted by") <= 1 for p in paragraphs), paragraphs
    lists = [t for t in MarkdownIt("commonmark").parse(notes) if t.type == "bullet_list_open" and t.level == 0]
    assert len(lists) == 2  # each report's networks
    assert paragraphs[-1] == "Counts corrected by a curator: facebook_accounts=90"
