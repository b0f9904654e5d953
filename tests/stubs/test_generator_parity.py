"""`stubs export --format md` equals the page DISARM's generator makes from our `--format xlsx` rows.

The generator (DISARMFoundation/DISARMframeworks, CODE/generate_DISARM_pages.py)
reads every sheet with pandas, replaces NaN with '' and formats
`page_templates/template_incident.md` with the incidents row's cells. Its rules,
re-stated here in our own code (the generator itself is not vendored):

- a cell prints as pandas holds it: text verbatim; a number column with a blank
  becomes floats (`2019.0`), a column of whole numbers prints `2019`; blank -> '';
- `urls` is split on single spaces, each piece's first word is a `url_id`, and the
  references are the urls-sheet rows with that `url_id` (an inner join, in the
  incidents cell's order, one table row per matching urls row);
- techniques come from `incidenttechniques` rows (`technique_ids` split on ','),
  named from the framework's techniques sheet, sorted by technique id.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from scraper.stubs.disarm_page import parse_page

from ..conftest import SHARED, make_config, run_cli
from ..techniques.conftest import FRAMEWORK, techniques_config
from .test_queue import PLATFORM_REPORT, serve_seeds

TEMPLATE = SHARED / "disarm" / "template_incident.md"
WARN = "DO NOT EDIT ABOVE THIS LINE - PLEASE ADD NOTES BELOW"
TECHNIQUE_ROW = "| [{0} {1}]({2}techniques/{0}.md) | {3} |\n"
URL_ROW = "| [{0}]({0}) | {1} | {2} | {3} | [{4}]({4}) |\n"
FUDGE = "../../generated_pages/"  # the generator's GENERATED_PAGES_FUDGE


def sheet(path: Path, name: str) -> list[dict[str, str]]:
    """A sheet as the generator's DataFrame holds it after `replace(NaN, '')`, cells as they would print."""
    ws = openpyxl.load_workbook(path, read_only=True)[name]
    header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    columns = {}
    for i, col in enumerate(header):
        if col is None:
            continue
        values = [row[i] if i < len(row) else None for row in rows]
        filled = [v for v in values if v is not None]
        numeric = bool(filled) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in filled)
        as_float = numeric and (len(filled) < len(values) or any(isinstance(v, float) for v in filled))
        columns[col] = ["" if v is None else str(float(v)) if as_float else str(v) for v in values]
    return [{c: columns[c][r] for c in columns} for r in range(len(rows))]


def generator_page(
    incident: dict[str, str], urls: list[dict[str, str]], techniques: list[dict[str, str]], names: dict[str, str]
) -> str:
    url_ids = [piece.split(" ")[0] for piece in incident["urls"].split(" ")] if incident["urls"] else []
    urlstr = (
        "\n| Reference | Pub Date | Authors | Org | Archive |\n| --------- | -------- | ------- | --- | ------- |\n"
    )
    for url_id in url_ids:
        for row in urls:
            if row["url_id"] == url_id:
                urlstr += URL_ROW.format(
                    row["url_id"], row["pub_date"], row["authors"], row["org"], row["archive_link"]
                )
    techstr = "\n| Technique | Description given for this incident |\n| --------- | ------------------------- |\n"
    mine = [
        (tid, row["name"])
        for row in techniques
        if row["incident_id"] == incident["disarm_id"]
        for tid in row["technique_ids"].split(",")
    ]
    for tid, description in sorted(mine, key=lambda t: t[0]):
        techstr += TECHNIQUE_ROW.format(tid, names[tid], FUDGE, description)
    return (
        TEMPLATE.read_text().format(
            type="Incident",
            id=incident["disarm_id"],
            name=incident["name"],
            incidenttype=incident["objecttype"],
            summary=incident["summary"],
            yearstarted=incident["year_started"],
            fromcountry=incident["attributions_seen"],
            tocountry=incident["found_in_country"],
            foundvia=incident["found_via"],
            dateadded=incident["when_added"],
            urls=urlstr,
            techniques=techstr,
        )
        + WARN
    )


def export(cfg: Path, out: Path) -> None:
    for fmt in ("xlsx", "md"):
        result = run_cli("stubs", "export", "--format", fmt, "-o", out, "--config", cfg)
        assert result.exit_code == 0, result.stderr


def assert_generator_parity(out: Path) -> list[dict[str, str]]:
    book = out / "stubs.xlsx"
    incidents, urls = sheet(book, "incidents"), sheet(book, "urls")
    has_techniques = "incidenttechniques" in openpyxl.load_workbook(book, read_only=True).sheetnames
    techniques = sheet(book, "incidenttechniques") if has_techniques else []
    names = {r["disarm_id"]: r["name"] for r in sheet(FRAMEWORK, "techniques")} if techniques else {}
    assert incidents
    for incident in incidents:
        ours = (out / f"{incident['disarm_id']}.md").read_text()
        theirs = generator_page(incident, urls, techniques, names)
        assert ours[: ours.index(WARN) + len(WARN)] == theirs, incident["disarm_id"]
    return incidents


def test_template_is_the_generators():
    # the template the parity rests on is DISARM's own, as the real pages show
    page = (SHARED / "disarm" / "incidents" / "I00128.md").read_text()
    assert TEMPLATE.read_text().startswith("# {type} {id}: {name}\n\n* **Summary:** {summary}")
    assert page.startswith("# Incident I00128: ")


def test_md_export_equals_generator_page_from_xlsx_rows(site_server, tmp_path):
    cfg = make_config(
        tmp_path,
        '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/news" = "Meta"\n"127.0.0.1/article" = "EIN Presswire"\n'
        '[stubs]\nfound_via = "OII"\n' + techniques_config(),
    )
    dfrlab_url, wire_url = serve_seeds(site_server)
    site_server.set("/news/2021/10/iran/", PLATFORM_REPORT.replace("in Iran", "in Russia"))
    created = []
    for url in (dfrlab_url, wire_url, site_server.url("/news/2021/10/iran/")):
        result = run_cli("fetch", url, "--json", "--config", cfg)
        assert result.exit_code == 0, result.stderr
        created.append(json.loads(result.stdout)["stub_id"])
    accepted = run_cli("stubs", "techniques", created[0], "accept", "T0097.202", "T0143.002", "--config", cfg)
    assert accepted.exit_code == 0, accepted.stderr
    for stub_id, year in zip(created[:2], ("2019", "2021"), strict=True):
        assert run_cli("stubs", "edit", stub_id, "--year-started", year, "--config", cfg).exit_code == 0
    out = tmp_path / "export"
    export(cfg, out)
    incidents = assert_generator_parity(out)
    assert sorted(r["year_started"] for r in incidents) == ["", "2019.0", "2021.0"]  # a blank makes pandas read floats
    assert run_cli("stubs", "edit", created[2], "--year-started", "2020", "--config", cfg).exit_code == 0
    export(cfg, tmp_path / "whole-years")
    assert sorted(r["year_started"] for r in assert_generator_parity(tmp_path / "whole-years")) == [
        "2019",
        "2020",
        "2021",
    ]
    assert {r["found_via"] for r in incidents} == {"OII"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["when_added"]) for r in incidents)
    assert "T0097.202" in (out / f"{created[0]}.md").read_text()


def test_found_via_and_when_added_take_disarms_forms(site_server, tmp_path):
    """DISARM's own rows: found_via empty or a short code, when_added empty or YYYY-MM-DD text."""
    rows = list(csv.DictReader((SHARED / "disarm" / "incidents.csv").open(encoding="utf-8")))
    assert {r["found_via"] for r in rows} <= {"", "OII", "MIS"} and any(r["found_via"] for r in rows)
    assert all(r["when_added"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["when_added"]) for r in rows)
    master = openpyxl.load_workbook(SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx", read_only=True)["incidents"]
    header = [c for c in next(master.iter_rows(max_row=1, values_only=True))]
    dated = [
        r[header.index("when_added")]
        for r in master.iter_rows(min_row=2, values_only=True)
        if r[header.index("when_added")]
    ]
    assert dated and all(isinstance(d, str) for d in dated)  # text cells, so pandas never prints '2019-02-24 00:00:00'

    cfg = make_config(
        tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n'
    )  # the default: an empty cell, as on most DISARM rows
    dfrlab_url, _ = serve_seeds(site_server)
    out = json.loads(run_cli("fetch", dfrlab_url, "--json", "--config", cfg).stdout)
    page = parse_page(json.loads(run_cli("stubs", "show", out["stub_id"], "--json", "--config", cfg).stdout)["page"])
    assert page.found_via == "" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.date_added)
    with sqlite3.connect(
        tmp_path / "data" / "catalogue.sqlite"
    ) as db:  # a stub from before the setting named its source here
        db.execute("UPDATE stubs SET found_via = 'takedown-archiver: fetch'")
    again = parse_page(json.loads(run_cli("stubs", "show", out["stub_id"], "--json", "--config", cfg).stdout)["page"])
    assert again.found_via == ""  # never a sentence in DISARM's cell
    book = tmp_path / "x"
    export(cfg, book)
    ws = openpyxl.load_workbook(book / "stubs.xlsx")["incidents"]
    cols = [c.value for c in ws[1]]
    when = ws.cell(2, cols.index("when_added") + 1)
    assert when.value == page.date_added and when.data_type == "s"
    assert ws.cell(2, cols.index("found_via") + 1).value is None
    history = run_cli("stubs", "show", out["stub_id"], "--json", "--config", cfg)
    assert "found by source fetch" in history.stdout  # the source is kept, in the stub's history


@pytest.mark.parametrize("code", ["takedown-archiver: meta", "oii", "O"])
def test_found_via_setting_refuses_anything_but_a_short_code(tmp_path, code):
    cfg = make_config(tmp_path, f'[stubs]\nfound_via = "{code}"\n')
    result = run_cli("stubs", "list", "--config", cfg)
    assert result.exit_code != 0 and result.stderr.startswith("error: ") and "found_via" in result.stderr
    assert "Traceback" not in result.stderr
