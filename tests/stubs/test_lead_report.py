"""Issue 28 items 1, 2 and 14: the platform's own report leads its stub whatever the order its
retellings arrive in, counts are reconciled (kept per reference, disagreements flagged), and a
redirected citation is one reference. Real polls and fetches against pages on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from scraper.stubs.disarm_page import parse_page

from ..conftest import make_config, run_cli
from .takedown_pages import (
    AGREEING_BLOG,
    BLOG_PATH,
    ORGS,
    PAGES,
    PLATFORM,
    PLATFORM_COUNTS,
    PLATFORM_NAME,
    PLATFORM_PATH,
    WIRE_PATH,
)

PLATFORM_LEAD = "Today we removed 93 Facebook accounts, 14 Pages, 15 Groups and 194 Instagram accounts"


def rss(links: list[str]) -> str:
    items = "".join(
        f"<item><title>Report {i}</title><link>{link}</link><description>Coordinated inauthentic behavior takedown.</description>"
        f"<pubDate>Mon, 14 Mar 2022 10:00:00 +0000</pubDate></item>"
        for i, link in enumerate(links)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Reading list</title><link>http://x/</link>{items}</channel></rss>'


def cli_json(cfg: Path, *args: str):
    result = run_cli(*args, "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def serve(site_server, *names: str) -> dict[str, str]:
    for path, html in PAGES.values():
        site_server.set(path, html)
    return {name: site_server.url(PAGES[name][0]) for name in names or PAGES}


@pytest.mark.parametrize("order", list(itertools.permutations(["platform", "wire", "blog"])), ids="-".join)
def test_one_poll_in_any_order_gives_the_platform_reports_name_summary_and_counts(site_server, tmp_path, order):
    urls = serve(site_server)
    site_server.set("/feed/", rss([urls[name] for name in order]), content_type="application/rss+xml")
    cfg = make_config(
        tmp_path,
        ORGS
        + f'\n[sources.reading]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\nkeywords = ["coordinated inauthentic behavior"]\n',
    )
    [run] = cli_json(cfg, "poll")
    assert run["fetched"] == 3, run
    [stub] = cli_json(cfg, "stubs", "list")
    assert [r["url"] for r in stub["references"]] == [urls[name] for name in order]  # one stub, citing all three
    assert stub["name"] == PLATFORM_NAME
    assert (
        stub["summary"].startswith(PLATFORM_LEAD)
        and "EINPresswire" not in stub["summary"]
        and "Last week" not in stub["summary"]
    )
    assert stub["counts"] == PLATFORM_COUNTS
    assert stub["counts_disagree"] is True
    said = {r["url"]: (r["primary"], r["counts"]) for r in stub["references"]}
    assert said[urls["platform"]] == (True, PLATFORM_COUNTS)
    assert said[urls["wire"]] == (False, {"facebook_accounts": 93, "facebook_pages": 29, "instagram_accounts": 194})
    assert said[urls["blog"]] == (False, {**PLATFORM_COUNTS, "instagram_accounts": 200})


def test_a_retelling_leads_until_the_platform_report_arrives_and_curated_values_stay(site_server, tmp_path):
    urls = serve(site_server)
    cfg = make_config(tmp_path, ORGS)
    first = cli_json(cfg, "fetch", urls["wire"])
    [alone] = cli_json(cfg, "stubs", "list")
    assert alone["name"].startswith("Watchdog welcomes") and alone["counts"]["facebook_pages"] == 29
    cli_json(cfg, "stubs", "edit", first["stub_id"], "--summary", "A curator's summary.")
    cli_json(cfg, "fetch", urls["blog"])
    [still] = cli_json(cfg, "stubs", "list")
    assert still["name"] == alone["name"]  # no platform report yet: the first retelling still leads
    assert cli_json(cfg, "fetch", urls["platform"])["stub_id"] == first["stub_id"]
    [led] = cli_json(cfg, "stubs", "list")
    assert led["name"] == PLATFORM_NAME and led["counts"] == PLATFORM_COUNTS
    assert led["summary"] == "A curator's summary."  # a curated value is never overwritten
    history = cli_json(cfg, "stubs", "show", first["stub_id"])["history"]
    assert history[-1]["kind"] == "merged" and urls["platform"] in history[-1]["detail"]


def test_disagreeing_counts_are_flagged_in_stubs_show_and_agreeing_ones_are_not(site_server, tmp_path):
    urls = serve(site_server)
    cfg = make_config(tmp_path / "a", ORGS)
    stub_id = cli_json(cfg, "fetch", urls["platform"])["stub_id"]
    cli_json(cfg, "fetch", urls["wire"])
    shown = run_cli("stubs", "show", stub_id, "--config", cfg)
    assert shown.exit_code == 0, shown.stderr
    assert "DISAGREE" in shown.stdout
    assert (
        f"retelling {urls['wire']}: facebook_accounts=93, facebook_pages=29 (stub: 14), instagram_accounts=194"
        in shown.stdout
    )
    assert (
        f"platform report {urls['platform']}: " + ", ".join(f"{k}={v}" for k, v in PLATFORM_COUNTS.items())
        in shown.stdout
    )

    site_server.set(BLOG_PATH, AGREEING_BLOG)
    agreeing = make_config(tmp_path / "b", ORGS)
    stub_id = cli_json(agreeing, "fetch", urls["platform"])["stub_id"]
    assert cli_json(agreeing, "fetch", urls["blog"])["stub_action"] == "merged"
    data = cli_json(agreeing, "stubs", "show", stub_id)
    assert data["counts_disagree"] is False and len(data["references"]) == 2
    assert "DISAGREE" not in run_cli("stubs", "show", stub_id, "--config", agreeing).stdout


@pytest.mark.parametrize("first", ["redirect", "target"])
def test_a_redirected_citation_and_its_target_are_one_reference(site_server, tmp_path, first):
    site_server.set(PLATFORM_PATH, PLATFORM)
    site_server.set("/go/armenia", "", status=301, Location=site_server.url(PLATFORM_PATH))
    cfg = make_config(tmp_path, ORGS)
    urls = {"redirect": site_server.url("/go/armenia"), "target": site_server.url(PLATFORM_PATH)}
    for name in (first, *(n for n in urls if n != first)):
        cli_json(cfg, "fetch", urls[name])
    [stub] = cli_json(cfg, "stubs", "list")
    assert len(stub["references"]) == 1, stub["references"]
    page = parse_page(cli_json(cfg, "stubs", "show", stub["id"])["page"])
    assert [r.url for r in page.references] == [urls[first]]  # the Reference table cites the report once


def test_a_wire_path_is_not_the_platform_even_when_it_names_it(site_server, tmp_path):
    """The platform leads only on its own publisher's path: a retelling hosted elsewhere never does."""
    urls = serve(site_server, "wire")
    cfg = make_config(tmp_path, ORGS)
    stub_id = cli_json(cfg, "fetch", urls["wire"])["stub_id"]
    [ref] = cli_json(cfg, "stubs", "show", stub_id)["references"]
    assert ref["primary"] is False and WIRE_PATH in ref["url"]
