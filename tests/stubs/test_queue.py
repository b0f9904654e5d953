"""Stubs end to end: pages on 127.0.0.1 -> `takedowns fetch` -> stub -> curator commands -> exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from scraper.stubs.disarm_page import FOOTER, parse_page
from scraper.stubs.escape import plain

from ..conftest import SHARED, make_config, run_cli

DFRLAB = "/2019/01/31/trolltracker-outward-influence-operation-from-iran/"
WIRE = "/article/554018908.html"

PLATFORM_REPORT = """<html lang="en"><head><title>Taking Down Coordinated Inauthentic Behavior in Iran | Meta</title>
<meta property="og:title" content="September 2021 Coordinated Inauthentic Behavior Report">
<meta property="article:published_time" content="2021-10-05T16:00:00+00:00"></head>
<body><article><h1>September 2021 Coordinated Inauthentic Behavior Report</h1>
<p>We removed 93 Facebook accounts, 14 Pages, 15 Groups and 194 Instagram accounts for violating our policy against coordinated inauthentic behavior. This network originated in Iran and targeted primarily domestic audiences in Iran.</p>
<p>The people behind this activity were members of the Islamic Revolutionary Guard Corps and posted about news and current events.</p>
</article></body></html>"""


def config(tmp_path: Path, extra: str = "") -> Path:
    return make_config(
        tmp_path,
        '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n"127.0.0.1/news" = "Meta"\n"127.0.0.1/article" = "EIN Presswire"\n'
        + extra,
    )


def fetch(cfg: Path, url: str) -> dict:
    result = run_cli("fetch", url, "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def stubs(cfg: Path, *args: str) -> list[dict]:
    result = run_cli("stubs", "list", "--config", cfg, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def serve_seeds(site_server) -> tuple[str, str]:
    site_server.set(DFRLAB, (site_server.root / "dfrlab" / DFRLAB.strip("/") / "index.html").read_bytes())
    site_server.set(WIRE, (site_server.root / "wire" / WIRE.strip("/")).read_bytes())
    return site_server.url(DFRLAB), site_server.url(WIRE)


def test_seed_dfrlab_stub_matches_disarm_i00128_field_by_field(site_server, tmp_path):
    cfg = config(tmp_path)
    dfrlab_url, _ = serve_seeds(site_server)
    out = fetch(cfg, dfrlab_url)
    assert out["stub_action"] == "created"
    shown = run_cli("stubs", "show", out["stub_id"], "--config", cfg, "--json")
    page = parse_page(json.loads(shown.stdout)["page"])
    real = parse_page((SHARED / "disarm" / "incidents" / "I00128.md").read_text())
    assert page.name == real.name
    assert page.summary.startswith(real.summary.split(" The network")[0])
    assert page.from_countries == "Iran"
    [ours], [theirs] = page.references, real.references
    assert (ours.pub_date, ours.authors, ours.org) == (theirs.pub_date, theirs.authors, theirs.org)
    assert ours.url == dfrlab_url and ours.archive == ""  # pending: an empty cell, as DISARM leaves one
    assert page.found_via == ""  # DISARM leaves it empty unless [stubs] found_via names a code
    assert page.id.startswith("TA-") and page.incident_type == "incident"


def test_seed_press_release_stub_carries_counts_and_evidence(site_server, tmp_path):
    cfg = config(tmp_path)
    _, wire_url = serve_seeds(site_server)
    out = fetch(cfg, wire_url)
    [stub] = stubs(cfg)
    assert stub["counts"] == {
        "facebook_accounts": 93,
        "instagram_accounts": 194,
        "facebook_pages": 14,
        "facebook_groups": 15,
    }
    assert stub["references"][0]["pub_date"] == "2021/10/17" and stub["references"][0]["org"] == "EIN Presswire"
    shown = json.loads(run_cli("stubs", "show", out["stub_id"], "--config", cfg, "--json").stdout)
    assert "93 Facebook accounts and 194 Instagram accounts had been removed" in shown["page"]  # evidence in the notes


def test_platform_report_and_retelling_become_one_stub(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/september-2021-cib-report/", PLATFORM_REPORT)
    _, wire_url = serve_seeds(site_server)
    first = fetch(cfg, site_server.url("/news/2021/10/september-2021-cib-report/"))
    second = fetch(cfg, wire_url)
    assert second["stub_action"] == "merged" and second["stub_id"] == first["stub_id"]
    [stub] = stubs(cfg)
    assert len(stub["references"]) == 2
    reason = stub["references"][1]["merge_reason"]
    assert "same platform Meta" in reason and "facebook_accounts=93" in reason
    history = json.loads(run_cli("stubs", "show", stub["id"], "--config", cfg, "--json").stdout)["history"]
    assert [h["kind"] for h in history] == ["created", "merged"]


def test_rerunning_never_duplicates_and_updates_record_changes(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT)
    url = site_server.url("/news/2021/10/report/")
    fetch(cfg, url)
    again = fetch(cfg, url)
    assert again["stub_action"] == "unchanged"
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT.replace("15 Groups", "16 Groups"))
    changed = fetch(cfg, url)
    assert changed["stub_action"] == "updated" and "counts" in changed["stub_reason"]
    [stub] = stubs(cfg)
    assert stub["counts"]["facebook_groups"] == 16 and len(stub["references"]) == 1


def test_url_already_in_the_disarm_master_is_not_stubbed(site_server, tmp_path):
    master = tmp_path / "master.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "urls"
    ws.append(["url_id", "pub_date", "authors", "org", "archive_link"])
    site_server.set("/news/2021/10/known/", PLATFORM_REPORT)
    ws.append([site_server.url("/news/2021/10/known") + "?utm_source=feed", "2021/10/05", "", "Meta", ""])
    wb.save(master)
    cfg = config(tmp_path, f'[stubs]\ndisarm_master = "{master}"\n')
    out = fetch(cfg, site_server.url("/news/2021/10/known/"))
    assert out["stub_action"] == "skipped" and "DISARM already lists" in out["stub_reason"]
    assert stubs(cfg) == []


def test_pages_without_removal_counts_are_not_stubbed(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set(
        "/news/2021/10/creators/",
        "<html><head><title>New tools for creators</title></head><body><article><p>"
        + "Today we launch new tools for creators on Instagram. " * 10
        + "</p></article></body></html>",
    )
    out = fetch(cfg, site_server.url("/news/2021/10/creators/"))
    assert out["stub_action"] == "skipped" and "no counts" in out["stub_reason"]


def test_curator_queue_accept_reject_merge_and_errors(site_server, tmp_path):
    cfg = config(tmp_path)
    dfrlab_url, wire_url = serve_seeds(site_server)
    a, b = fetch(cfg, dfrlab_url)["stub_id"], fetch(cfg, wire_url)["stub_id"]
    assert a != b
    bad = run_cli("stubs", "accept", a, "--disarm-id", "X1", "--config", cfg)
    assert bad.exit_code != 0 and "I00130" in bad.stderr
    ok = run_cli("stubs", "accept", a, "--disarm-id", "I00131", "--config", cfg)
    assert ok.exit_code == 0 and "accepted as I00131" in ok.stdout
    assert [s["disarm_id"] for s in stubs(cfg, "--status", "accepted")] == ["I00131"]
    merged = run_cli("stubs", "merge", a, b, "--config", cfg)
    assert merged.exit_code == 0, merged.stderr
    assert stubs(cfg, "--status", "merged")[0]["merged_into"] == a
    assert len(stubs(cfg, "--status", "accepted")[0]["references"]) == 2
    missing = run_cli("stubs", "reject", "TA-99999", "--reason", "dup", "--config", cfg)
    assert missing.exit_code != 0 and missing.stderr.startswith("error: no stub TA-99999")
    refused = run_cli("stubs", "reject", a, "--reason", "not an IO", "--config", cfg)
    assert refused.exit_code != 0 and "reopen" in refused.stderr
    assert run_cli("stubs", "reopen", a, "--config", cfg).exit_code == 0
    rejected = run_cli("stubs", "reject", a, "--reason", "not an IO", "--config", cfg)
    assert rejected.exit_code == 0 and stubs(cfg, "--status", "rejected")[0]["reject_reason"] == "not an IO"


def test_exports_match_disarm_sheets_and_feed_lists_new_stubs(site_server, tmp_path):
    cfg = config(tmp_path)
    dfrlab_url, wire_url = serve_seeds(site_server)
    fetch(cfg, dfrlab_url)
    fetch(cfg, wire_url)
    out = tmp_path / "export"
    for fmt in ("xlsx", "csv", "md"):
        result = run_cli("stubs", "export", "--format", fmt, "-o", out, "--config", cfg)
        assert result.exit_code == 0, result.stderr
    ours = openpyxl.load_workbook(out / "stubs.xlsx")
    master = openpyxl.load_workbook(SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx", read_only=True)
    for sheet in ("incidents", "urls"):
        theirs = [c for c in next(master[sheet].iter_rows(max_row=1, values_only=True)) if c]
        assert [c.value for c in ours[sheet][1]] == theirs
    rows = list(ours["incidents"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and all(r[0].startswith("TA-") for r in rows)
    assert dfrlab_url in rows[0][7] and rows[0][5] == "Iran"
    urls = list(ours["urls"].iter_rows(min_row=2, values_only=True))
    # a pending archive is an empty cell (DISARM's generator turned "pending" into a broken link)
    assert (
        dfrlab_url,
        "2019/01/31",
        "Kanishk Karan, Donara Barojan, Melissa Hall, Graham Brookie",
        "DFRLab",
        None,
    ) in urls
    assert all(isinstance(r[4], int) for r in rows if r[4] is not None)  # year_started a number, as in DISARM's sheet
    assert all(
        r[3].startswith("<i>") and r[3].endswith("</i>") for r in rows
    )  # summary cell marked up as DISARM's rows
    assert (out / "incidents.csv").read_text().startswith("disarm_id,name,objecttype,summary,year_started")
    assert len(list(out.glob("TA-*.md"))) == 2
    feed = (tmp_path / "data" / "stubs.atom").read_text()
    assert feed.count("<entry>") == 2 and "urn:takedowns:stub:TA-00001" in feed


def test_hostile_title_is_escaped_in_page_and_sheet(site_server, tmp_path):
    cfg = config(tmp_path)
    evil = "=HYPERLINK(1) | <script>alert(1)</script> Iran network"
    site_server.set(
        "/news/2021/10/evil/",
        PLATFORM_REPORT.replace(
            "September 2021 Coordinated Inauthentic Behavior Report", evil.replace("<", "&lt;").replace(">", "&gt;")
        ),
    )
    out = fetch(cfg, site_server.url("/news/2021/10/evil/"))
    page = json.loads(run_cli("stubs", "show", out["stub_id"], "--config", cfg, "--json").stdout)["page"]
    assert "<script>" not in page and "&lt;script>" in page
    name = parse_page(page).name
    assert "<script" not in name and plain(name) == evil  # a cell value: escaped once, reads back as the title
    run_cli("stubs", "export", "--format", "xlsx", "-o", tmp_path / "x", "--config", cfg)
    cell = openpyxl.load_workbook(tmp_path / "x" / "stubs.xlsx")["incidents"]["B2"]
    # the same cell value as the page (DISARM's generator copies it verbatim), stored as text, never a formula:
    # quotePrefix keeps it text in Excel/LibreOffice without adding a literal ' to the value
    assert cell.value == name and cell.data_type == "s" and cell.quotePrefix


def test_sheet_cells_are_plain_text_escaped_only_where_the_page_needs_it(site_server, tmp_path):
    """DISARM's own sheet writes "AT&T" and "Q&A | Iran" plainly; `&amp;`, `&#124;` and `&lt;b&gt;` were ours alone."""
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/news" = "Meta"\n"127.0.0.1/plain" = "Lee & Park | Lab"\n')
    title = "Q&A | R&D networks from Iran: a <b> tag & AT&T"
    report = PLATFORM_REPORT.replace(
        "September 2021 Coordinated Inauthentic Behavior Report",
        title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
    )
    report = report.replace("This network originated in Iran", "This network (Smith & Jones | Q&A) originated in Iran")
    site_server.set("/plain/2021/10/report/", report)
    stub_id = fetch(cfg, site_server.url("/plain/2021/10/report/"))["stub_id"]
    for fmt in ("xlsx", "csv", "md"):
        assert run_cli("stubs", "export", "--format", fmt, "-o", tmp_path / "x", "--config", cfg).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "x" / "stubs.xlsx")
    [row] = list(book["incidents"].iter_rows(min_row=2, values_only=True))
    name, summary = row[1], row[3]
    assert name == "Q&A | R&D networks from Iran: a &lt;b> tag & AT&T"  # only the '<' that opens a tag is escaped
    assert "Smith & Jones | Q&A" in summary
    [ref] = list(book["urls"].iter_rows(min_row=2, values_only=True))
    assert ref[3] == "Lee & Park &#124; Lab"  # a table cell on the page: its pipe would add a column
    with open(tmp_path / "x" / "incidents.csv", newline="", encoding="utf-8") as f:
        [csv_row] = list(csv.DictReader(f))
    assert csv_row["name"] == name and "Smith & Jones | Q&A" in csv_row["summary"]
    page = (tmp_path / "x" / f"{stub_id}.md").read_text()
    assert "<b>" not in page and "&amp;" not in page.split(FOOTER)[0]
    reference_row = next(line for line in page.splitlines() if line.startswith("| [http"))
    assert reference_row.count("|") == 6
    from .test_generator_parity import assert_generator_parity

    assert_generator_parity(tmp_path / "x")  # DISARM's generator still makes exactly our page from these cells
