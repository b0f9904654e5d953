"""Text neither back-end can store (NUL, lone surrogates from a JSON source) never fails a poll (#11 item 8)."""

from __future__ import annotations

import json
from pathlib import Path

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem, ReportRow

from ..conftest import make_config, run_cli
from .test_sources import report

# JSON escapes: a lone high surrogate and a NUL, both legal in JSON and both refused by a database driver.
HOSTILE_TITLE = "Network \\ud800 A\\u0000 in the region"


def test_json_source_with_lone_surrogate_and_nul_is_polled_on_both_back_ends(
    site_server, tmp_path: Path, catalogue_url: str
) -> None:
    networks = f'[{{"title": "{HOSTILE_TITLE}", "url": "/transparency/net-a"}}, {{"title": "Network B", "url": "/transparency/net-b"}}]'
    site_server.set(
        "/operations",
        f'<html><body><script type="application/json">{{"props": {{"networks": {networks}}}}}</script></body></html>',
    )
    site_server.set("/transparency/net-a", report("Network A", 78))
    site_server.set("/transparency/net-b", report("Network B", 9))
    source = f'[sources.tiktok]\nkind = "embedded_json"\nurl = "{site_server.url("/operations")}"\norg = "TikTok"\n'
    cfg = make_config(tmp_path, source, catalogue=catalogue_url)

    result = run_cli("poll", "--config", cfg, "--json")

    assert result.exit_code == 0, result.output
    [out] = json.loads(result.stdout)
    assert (out["items_found"], out["fetched"], out["failed"], out["errors"]) == (2, 2, 0, []), out
    catalogue = Catalogue(catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            titles = {i.url.rsplit("/", 1)[1]: i.title for i in s.query(DiscoveredItem)}
            reports = s.query(ReportRow).count()
    finally:
        catalogue.dispose()
    assert titles["net-a"] == "Network \ufffd A in the region"  # the surrogate marked as unreadable, the NUL dropped
    assert reports == 2
