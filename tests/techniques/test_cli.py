"""End to end: a report on 127.0.0.1 -> stub -> suggestions -> curator decisions -> page, sheets, STIX, MISP."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_file

from scraper.stubs.disarm_page import parse_page

from ..conftest import make_config, run_cli
from .conftest import BUNDLE, FRAMEWORK, techniques_config

NEWS_PERSONA = "The operators ran websites that posed as independent news outlets and published articles under the names of local newspapers."
FAKE_PEOPLE = "The network created accounts for people who do not exist: fabricated personas presenting themselves as ordinary citizens."
REPORT = f"""<html lang="en"><head><title>Removing a network from Testland | Meta</title>
<meta property="article:published_time" content="2024-03-05T10:00:00+00:00"></head>
<body><article><h1>Removing coordinated inauthentic behavior from Testland</h1>
<p>We removed 41 Facebook accounts, 12 Pages and 9 Instagram accounts for violating our policy against coordinated inauthentic behavior. This network originated in Iran and targeted audiences in France.</p>
<p>{NEWS_PERSONA}</p>
<p>{FAKE_PEOPLE} They posted about local politics and current events.</p>
</article></body></html>"""


@pytest.fixture
def stub(site_server, tmp_path) -> tuple[Path, str]:
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/news" = "Meta"\n' + techniques_config())
    site_server.set("/news/2024/03/testland/", REPORT)
    out = run_cli("fetch", site_server.url("/news/2024/03/testland/"), "--json", "--config", cfg)
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["stub_action"] == "created"
    return cfg, data["stub_id"]


def _suggest(cfg: Path, stub_id: str) -> list[dict]:
    result = run_cli("techniques", "suggest", stub_id, "--json", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["suggestions"]


def test_suggestions_are_stored_shown_and_accepted_into_the_technique_table(stub):
    cfg, stub_id = stub
    suggestions = _suggest(cfg, stub_id)
    ids = [s["technique_id"] for s in suggestions]
    assert "T0097.202" in ids and len(ids) == 5
    assert all(s["sentences"] for s in suggestions)
    news = suggestions[ids.index("T0097.202")]
    assert NEWS_PERSONA in news["sentences"]

    shown = run_cli("stubs", "show", stub_id, "--config", cfg)
    assert "Technique suggestions (not accepted" in shown.stdout and "T0097.202 News Outlet Persona" in shown.stdout
    page = parse_page(json.loads(run_cli("stubs", "show", stub_id, "--json", "--config", cfg).stdout)["page"])
    assert page.techniques == ""  # suggestions are not the curator's table

    ok = run_cli("stubs", "techniques", stub_id, "accept", "T0097.202", "t0143.002", "--config", cfg)
    assert ok.exit_code == 0, ok.stderr
    run_cli(
        "stubs",
        "techniques",
        stub_id,
        "reject",
        ids[-1] if ids[-1] not in ("T0097.202", "T0143.002") else ids[-2],
        "--config",
        cfg,
    )
    data = json.loads(run_cli("stubs", "show", stub_id, "--json", "--config", cfg).stdout)
    rows = parse_page(data["page"]).techniques.splitlines()
    assert rows[0].startswith(
        f"| [T0097.202 News Outlet Persona](../../generated_pages/techniques/T0097.202.md) | <i>{NEWS_PERSONA}"
    )  # supporting sentences in text order
    assert rows[0].endswith("</i> |")
    assert rows[1].startswith("| [T0143.002 Fabricated Persona](../../generated_pages/techniques/T0143.002.md) | <i>")
    assert {t["status"] for t in data["techniques"]} == {"accepted", "suggested", "rejected"}

    # a second suggest run keeps the curator's decisions
    _suggest(cfg, stub_id)
    again = json.loads(run_cli("stubs", "show", stub_id, "--json", "--config", cfg).stdout)
    assert [t["id"] for t in again["techniques"] if t["status"] == "accepted"] == ["T0097.202", "T0143.002"]


def test_accepted_techniques_fill_incidenttechniques_in_csv_and_xlsx(stub, tmp_path):
    cfg, stub_id = stub
    _suggest(cfg, stub_id)
    run_cli("stubs", "techniques", stub_id, "accept", "T0097.202", "--config", cfg)
    for fmt in ("csv", "xlsx"):
        out = tmp_path / fmt
        assert run_cli("stubs", "export", "--format", fmt, "-o", out, "--config", cfg).exit_code == 0
    with open(tmp_path / "csv" / "incidenttechniques.csv", newline="", encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert list(row) == ["disarm_id", "name", "incident_id", "technique_ids", "summary"]
    assert (row["incident_id"], row["technique_ids"]) == (stub_id, "T0097.202")
    assert row["name"].startswith(f"<i>{NEWS_PERSONA}") and row["name"].endswith("</i>")
    sheet = openpyxl.load_workbook(tmp_path / "xlsx" / "stubs.xlsx")["incidenttechniques"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("disarm_id", "name", "incident_id", "technique_ids", "summary")
    assert values[1][2:4] == (stub_id, "T0097.202")


def test_stix_export_validates_and_reuses_disarm_attack_pattern_ids(stub, tmp_path):
    cfg, stub_id = stub
    run_cli("stubs", "techniques", stub_id, "accept", "T0097.202", "T0143.002", "--config", cfg)
    out = tmp_path / "stix"
    result = run_cli("stubs", "export", "--format", "stix", "-o", out, "--config", cfg)
    assert result.exit_code == 0, result.stderr
    [path] = sorted(out.glob("*.stix.json"))
    report = validate_file(str(path), ValidationOptions(version="2.1"))
    assert report.is_valid, [e.message for r in report.object_results for e in r.errors]
    objects = json.loads(path.read_text())["objects"]
    by_type: dict[str, list[dict]] = {}
    for o in objects:
        by_type.setdefault(o["type"], []).append(o)
    [network] = by_type["intrusion-set"]
    assert network["x_takedowns_removed_assets"]["facebook_accounts"] == 41
    disarm = {
        o["external_references"][0]["external_id"]: o["id"]
        for o in json.loads(BUNDLE.read_text())["objects"]
        if o["type"] == "attack-pattern"
    }
    uses = {r["target_ref"] for r in by_type["relationship"] if r["relationship_type"] == "uses"}
    assert uses == {disarm["T0097.202"], disarm["T0143.002"]}
    locations = {o["id"]: o["country"] for o in by_type["location"]}
    kinds = {
        (r["relationship_type"], locations[r["target_ref"]])
        for r in by_type["relationship"]
        if r["target_ref"] in locations
    }
    assert kinds == {("attributed-to", "IR"), ("targets", "FR")}
    [rep] = by_type["report"]
    assert rep["published"].startswith("2024-03-05") and rep["external_references"][0]["url"].endswith(
        "/news/2024/03/testland/"
    )
    assert [o["name"] for o in by_type["identity"] if o["identity_class"] == "organization"] == ["Meta"]
    assert by_type["note"] and "facebook_accounts: 41" in by_type["note"][0]["content"]
    # re-export: same ids, same bytes
    first = path.read_bytes()
    assert run_cli("stubs", "export", "--format", "stix", "-o", out, "--config", cfg).exit_code == 0
    assert path.read_bytes() == first
    bundled = run_cli("stubs", "export", "--format", "stix", "--bundle", "-o", tmp_path / "one", "--config", cfg)
    assert bundled.exit_code == 0
    assert validate_file(str(tmp_path / "one" / "stubs.stix.json"), ValidationOptions(version="2.1")).is_valid


def test_misp_event_loads_back_with_links_counts_and_galaxy(stub, tmp_path):
    cfg, stub_id = stub
    run_cli("stubs", "techniques", stub_id, "accept", "T0002", "T0097.202", "--config", cfg)
    out = tmp_path / "misp"
    assert run_cli("stubs", "export", "--format", "misp", "-o", out, "--config", cfg).exit_code == 0
    [path] = list(out.glob("*.misp.json"))
    event = MISPEvent()
    event.load_file(str(path))
    links = [a.value for a in event.attributes if a.type == "link"]
    assert any(v.endswith("/news/2024/03/testland/") for v in links)
    counters = {a.comment: a.value for a in event.attributes if a.type == "counter"}
    assert counters["removed facebook_accounts"] == "41"
    tags = {t.name for t in event.tags}
    assert 'misp-galaxy:disarm-techniques="Facilitate State Propaganda"' in tags  # T0002, in the packaged galaxy
    assert 'misp-galaxy:disarm-techniques="News Outlet Persona"' in tags  # newer than the packaged galaxy: tag only
    [galaxy] = event.galaxies
    assert [c.uuid for c in galaxy.clusters] == ["782afafa-e997-571a-9b25-d04bb322480c"]
    again = tmp_path / "misp2"
    run_cli("stubs", "export", "--format", "misp", "-o", again, "--config", cfg)
    assert json.loads((again / path.name).read_text())["Event"]["uuid"] == json.loads(path.read_text())["Event"]["uuid"]


def test_bad_input_is_one_line_and_non_zero(stub, tmp_path):
    cfg, stub_id = stub

    def fails(*args: str | Path, config: Path = cfg) -> str:
        result = run_cli(*args, "--config", config)
        assert result.exit_code != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
        return lines[0]

    assert "no stub TA-99999" in fails("techniques", "suggest", "TA-99999")
    assert "no stub TA-99999" in fails("stubs", "techniques", "TA-99999", "accept", "T0097.202")
    assert "T9999.999" in fails("stubs", "techniques", stub_id, "accept", "T9999.999")
    missing = make_config(tmp_path / "missing", techniques_config(framework=tmp_path / "nope.xlsx"))
    assert "not found" in fails("techniques", "eval", "--limit", "1", config=missing)
    renamed = tmp_path / "renamed.xlsx"
    wb = openpyxl.Workbook()  # DISARM's layout, but the sheet carries another name
    wb.active.title = "incident_techniques"
    wb.active.append(["disarm_id", "name", "incident_id", "technique_ids", "summary"])
    wb.active.append(["IT00000001", '<i>"A quote."</i> An explanation.', "I00001", "T0002", ""])
    wb.save(renamed)
    bad = make_config(tmp_path / "renamed", techniques_config(mappings=renamed))
    assert "no sheet 'incidenttechniques'" in fails("techniques", "eval", "--limit", "1", config=bad)
    no_bundle = make_config(tmp_path / "nobundle", techniques_config(bundle=tmp_path / "none.json"))
    assert "DISARM STIX bundle not found" in fails(
        "stubs", "export", "--format", "stix", "-o", tmp_path / "x", config=no_bundle
    )
    assert FRAMEWORK.is_file()  # the real files were never touched
