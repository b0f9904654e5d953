"""Country names in DISARM's cells follow DISARM's own incidents, learnt from its data."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

from scraper.extract.countries import HOUSE_STYLE, house_style, normalise

from ..conftest import SHARED


def disarm_forms() -> dict[str, Counter]:
    """For each country DISARM names, how its curators wrote it (by our normalised name)."""
    forms: dict[str, Counter] = defaultdict(Counter)
    with open(SHARED / "disarm" / "incidents.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for cell in (row["attributions_seen"], row["found_in_country"]):
                for written in filter(None, (w.strip() for w in re.split(r"[,;]", cell))):
                    name = normalise(written, demonyms=False)
                    if name:
                        forms[name][written] += 1
    return forms


def test_every_country_disarm_names_is_written_as_its_curators_write_it_most():
    forms = disarm_forms()
    assert "United States" in forms and "Russia" in forms  # the data was read
    for name, written in forms.items():
        assert house_style(name) == written.most_common(1)[0][0], (name, written)


def test_the_house_style_table_holds_only_what_the_data_shows():
    forms = disarm_forms()
    for name, style in HOUSE_STYLE.items():
        assert forms[name].most_common(1)[0][0] == style, (name, forms[name])


def test_exported_rows_and_pages_use_the_house_style(site_server, tmp_path):
    import json

    from openpyxl import load_workbook

    from ..conftest import make_config, run_cli

    filler = "The people behind it posted about politics and current events in several languages. " * 4
    site_server.set(
        "/news/cib/",
        "<html><head><title>Removing a network</title></head><body><article><h1>Removing a network</h1>"
        "<p>We removed 31 Facebook accounts and 4 Pages for coordinated inauthentic behavior. This network originated in the "
        f"United States and targeted audiences in the United Kingdom.</p><p>{filler}</p></article></body></html>",
    )
    cfg = make_config(tmp_path)
    fetched = run_cli("fetch", site_server.url("/news/cib/"), "--config", cfg, "--json")
    assert fetched.exit_code == 0, fetched.stderr
    for fmt in ("xlsx", "md"):
        out = run_cli("stubs", "export", "--format", fmt, "-o", tmp_path / fmt, "--config", cfg, "--json")
        assert out.exit_code == 0, out.stderr
        assert json.loads(out.stdout)["stubs"] == 1
    sheet = load_workbook(next((tmp_path / "xlsx").glob("*.xlsx")))["incidents"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert row["attributions_seen"] == "USA" and row["found_in_country"] == "UK"
    page = next((tmp_path / "md").rglob("*.md")).read_text()
    assert "* **Countries:** USA , UK" in page
