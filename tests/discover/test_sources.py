"""Every source kind end to end through the real CLI, against publisher-like sites on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import ArchiveJob, Capture, DiscoveredItem, ReportRow
from scraper.config import load_config
from scraper.daemon import adapter
from scraper.discover.sources import load_sources
from scraper.errors import UserError
from scraper.pipeline.orgs import source_org
from scraper.schedule import parse_schedule

from ..conftest import SHARED, make_config, run_cli

REPORT = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>We removed {n} Facebook accounts, 12 Pages and 3 Groups for violating our policy against coordinated inauthentic behavior. This network originated in Iran.</p>
<p>{filler}</p></article></body></html>"""
OTHER = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{filler}</p></article></body></html>"
)
FILLER = "The company shared details of the investigation with researchers and partners across the industry. " * 5


def report(title: str, n: int = 41) -> str:
    return REPORT.format(title=title, n=n, filler=FILLER)


def rss(items: list[tuple[str, str, str]], pub: str = "Tue, 05 Oct 2021 16:00:00 +0000") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description><pubDate>{pub}</pubDate></item>"
        for t, link, d in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Newsroom</title><link>http://x/</link>{body}</channel></rss>'


def cfg_with(tmp_path: Path, sources: str, server=None) -> Path:
    extra = sources
    if server is not None:
        extra += f'\n[archive.wayback]\nenabled = false\nweb_base = "{server.url("")}"\n'
    cfg = make_config(tmp_path)
    if server is not None:
        cfg.write_text(cfg.read_text().replace("[archive.wayback]\nenabled = false\n", ""))
    cfg.write_text(cfg.read_text() + "\n" + extra)
    return cfg


def poll(cfg: Path, *names: str):
    return run_cli("poll", *names, "--config", cfg, "--json")


def items(cfg: Path) -> dict[str, DiscoveredItem]:
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        rows = {i.url: i for i in s.query(DiscoveredItem)}
    catalogue.dispose()
    return rows


def newsroom(site_server) -> None:
    site_server.set("/news/2021/10/cib-report/", report("September 2021 Coordinated Inauthentic Behavior Report"))
    site_server.set("/news/2021/10/threat-report/", report("Adversarial Threat Report", 7))
    site_server.set("/news/2021/10/creators/", OTHER.format(title="New tools for creators", filler=FILLER))
    site_server.set(
        "/feed/",
        rss(
            [
                (
                    "September 2021 Coordinated Inauthentic Behavior Report",
                    site_server.url("/news/2021/10/cib-report/"),
                    "We removed networks for coordinated inauthentic behavior.",
                ),
                (
                    "Adversarial Threat Report",
                    site_server.url("/news/2021/10/threat-report/"),
                    "Our quarterly threat report.",
                ),
                ("New tools for creators", site_server.url("/news/2021/10/creators/"), "Reels and more."),
            ]
        ),
        content_type="application/rss+xml",
    )


FEED_SOURCE = """
[sources.newsroom]
kind = "feed"
url = "{url}"
org = "Meta"
keywords = ["coordinated inauthentic behavior", "threat report"]
"""


def test_feed_finds_reports_skips_irrelevant_and_second_poll_fetches_nothing(site_server, tmp_path):
    newsroom(site_server)
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    result = poll(cfg)
    assert result.exit_code == 0, result.stderr
    [r] = json.loads(result.stdout)
    assert (r["items_found"], r["fetched"], r["kept"], r["dropped"]) == (3, 2, 2, 1)
    decided = items(cfg)
    creators = decided[site_server.url("/news/2021/10/creators/")]
    assert creators.decision == "dropped" and "no keyword" in creators.reason
    assert "counts found: facebook_accounts=41" in decided[site_server.url("/news/2021/10/cib-report/")].reason
    assert site_server.hits("/news/2021/10/creators/") == 0  # dropped before fetching
    stubs = json.loads(run_cli("stubs", "list", "--config", cfg, "--json").stdout)
    assert stubs and stubs[0]["found_via"] == ""  # DISARM's cell: empty unless [stubs] found_via names a code
    shown = run_cli("stubs", "show", stubs[0]["id"], "--config", cfg, "--json").stdout
    assert "found by source newsroom" in shown  # the source is kept in the stub's history
    before = len(site_server.requests)
    [again] = json.loads(poll(cfg).stdout)
    assert again["fetched"] == 0 and again["skipped"] == 3
    assert [p for _, p, _ in site_server.requests[before:] if p != "/robots.txt"] == [
        "/feed/"
    ]  # each poll is a new process: robots.txt is asked again
    listing = json.loads(run_cli("sources", "--config", cfg, "--json").stdout)
    assert listing[0]["items_found"] == 3 and listing[0]["last_error"] is None and listing[0]["last_poll"]


def test_changed_feed_shape_is_a_source_error(site_server, tmp_path):
    newsroom(site_server)
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    assert poll(cfg).exit_code == 0
    site_server.set("/feed/", "<html><body>We moved our newsroom!</body></html>")
    result = poll(cfg)
    assert result.exit_code != 0 and "source failed" in result.stderr
    assert "no entries" in json.loads(result.stdout)[0]["source_error"]
    [row] = json.loads(run_cli("sources", "--config", cfg, "--json").stdout)
    assert "no entries" in row["last_error"]
    assert row["last_error"].startswith("source changed shape: ") and "ShapeError" not in row["last_error"]


def test_manual_poll_shows_in_status_and_sources(site_server, tmp_path):
    """Issue 13 item 11: a manual poll writes the same health record the daemon writes."""
    newsroom(site_server)
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    before = json.loads(run_cli("status", "--config", cfg, "--json").stdout)
    assert [(s["name"], s["runs"], s["last_outcome"]) for s in before["sources"]] == [("newsroom", 0, None)]
    assert poll(cfg).exit_code == 0
    [row] = json.loads(run_cli("status", "--config", cfg, "--json").stdout)["sources"]
    assert (row["runs"], row["last_outcome"], row["items_found_last"], row["last_error"]) == (1, "ok", 3, None)
    assert row["last_success_at"] and row["last_run_at"]
    site_server.set("/feed/", "<html><body>We moved our newsroom!</body></html>")
    assert poll(cfg).exit_code != 0
    status = run_cli("status", "--config", cfg, "--json")
    [row] = json.loads(status.stdout)["sources"]
    assert (row["runs"], row["last_outcome"], row["items_found_last"]) == (2, "error", 3)
    assert row["last_error"].startswith("source changed shape: ") and row["failing_since"]
    [listed] = json.loads(run_cli("sources", "--config", cfg, "--json").stdout)
    assert (listed["polls"], listed["items_found"], listed["last_error"]) == (2, 3, row["last_error"])
    assert listed["last_poll"] and listed["last_success"]


def test_hostile_feeds_entity_bomb_bad_dates_and_size(site_server, tmp_path):
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;</title><link>http://x/</link></item></channel></rss>'
    site_server.set("/bomb.xml", bomb, content_type="application/rss+xml")
    site_server.set("/news/2021/10/cib-report/", report("Coordinated inauthentic behavior report"))
    many = [(f"Product update {i}", site_server.url(f"/news/p{i}/"), "nothing to see") for i in range(800)]
    many.append(("Coordinated inauthentic behavior report", site_server.url("/news/2021/10/cib-report/"), "cib"))
    site_server.set("/big.xml", rss(many, pub="not a date at all"), content_type="application/rss+xml")
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.bomb]
kind = "feed"
url = "{site_server.url("/bomb.xml")}"
[sources.big]
kind = "feed"
url = "{site_server.url("/big.xml")}"
keywords = ["coordinated inauthentic behavior"]
max_items = 5000
""",
    )
    result = poll(cfg)
    assert result.exit_code != 0  # the bomb is a source error...
    results = {r["source"]: r for r in json.loads(result.stdout)}
    assert "entit" in results["bomb"]["source_error"]
    assert results["big"]["source_error"] is None and results["big"]["fetched"] == 1  # ...and the rest carried on
    assert results["big"]["dropped"] == 800


def test_listing_with_pagination_and_selector_changes(site_server, tmp_path):
    site_server.set(
        "/reports/",
        '<html><body><ul class="posts"><li><a class="post" href="/r/1/">One</a></li><li><a class="post" href="/r/2/">Two</a></li></ul><a class="next" href="/reports/page/2/">Older</a></body></html>',
    )
    site_server.set(
        "/reports/page/2/",
        '<html><body><ul class="posts"><li><a class="post" href="/r/3/">Three</a></li></ul></body></html>',
    )
    for i in (1, 2, 3):
        site_server.set(f"/r/{i}/", report(f"Report {i}", 10 + i))
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.graphika]
kind = "listing"
url = "{site_server.url("/reports/")}"
selector = "a.post"
next_selector = "a.next"
""",
    )
    [r] = json.loads(poll(cfg).stdout)
    assert r["fetched"] == 3 and r["kept"] == 3
    site_server.set(
        "/reports/", '<html><body><div class="grid"><a class="card" href="/r/1/">One</a></div></body></html>'
    )
    result = poll(cfg)
    assert result.exit_code != 0
    [row] = json.loads(run_cli("sources", "--config", cfg, "--json").stdout)
    assert "selector 'a.post' matches nothing" in row["last_error"]


def test_sitemap_index_and_urlset(site_server, tmp_path):
    site_server.set(
        "/sitemap.xml",
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{site_server.url("/posts.xml")}</loc></sitemap></sitemapindex>',
        content_type="application/xml",
    )
    site_server.set(
        "/posts.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site_server.url("/io/takedown-2021/")}</loc><lastmod>2021-02-23</lastmod></url><url><loc>{site_server.url("/about/")}</loc></url></urlset>',
        content_type="application/xml",
    )
    site_server.set("/io/takedown-2021/", report("Analysis of a Twitter takedown"))
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.sio]
kind = "sitemap"
url = "{site_server.url("/sitemap.xml")}"
url_patterns = ["/io/"]
""",
    )
    [r] = json.loads(poll(cfg).stdout)
    assert (r["items_found"], r["fetched"], r["dropped"]) == (2, 1, 1)


def test_series_polls_periods_and_repolls_the_current_one(site_server, tmp_path):
    from datetime import date

    today = date.today()
    quarter = (today.month - 1) // 3 + 1
    prev_year, prev_q = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    site_server.set(
        f"/tag-bulletin-q{prev_q}-{prev_year}/",
        report("TAG Bulletin previous", 5).replace("Facebook accounts, 12 Pages and 3 Groups", "YouTube channels"),
    )
    site_server.set(
        f"/tag-bulletin-q{quarter}-{today.year}/",
        report("TAG Bulletin current", 6).replace("Facebook accounts, 12 Pages and 3 Groups", "YouTube channels"),
    )
    two_back = (prev_year, prev_q - 1) if prev_q > 1 else (prev_year - 1, 4)
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.tag]
kind = "series"
template = "{site_server.url("/tag-bulletin-q{quarter}-{year}/")}"
start = "{two_back[0]}-Q{two_back[1]}"
org = "Google TAG"
""",
    )
    [r] = json.loads(poll(cfg).stdout)
    assert (
        r["items_found"] == 3 and r["fetched"] == 2 and r["dropped"] == 1 and r["errors"] == []
    )  # the absent period is a 404
    [again] = json.loads(poll(cfg).stdout)
    assert again["fetched"] == 1 and again["skipped"] == 2  # only the current quarter again
    assert site_server.hits(f"/tag-bulletin-q{prev_q}-{prev_year}/") == 1


def test_github_index_markdown_and_reference_urls(site_server, tmp_path):
    fixtures = SHARED / "fixtures" / "meta-threat-research"
    ids = [
        "meta-h2-2025-moldova-based-cib-network",
        "meta-h2-2025-poland-based-cib-network",
        "2021_07_no_markdown_here",
    ]
    index = [
        {"id": i, "reported_ds": "2025-12-01", "reference_urls": [site_server.url(f"/news/{n}/")] if n == 0 else []}
        for n, i in enumerate(ids)
    ]
    site_server.set("/threat-research/main/index.json", json.dumps(index), content_type="application/json")
    for i in ids[:2]:
        site_server.set(
            f"/threat-research/main/indicators/{i}.md",
            (fixtures / f"{i}.md").read_bytes(),
            content_type="text/plain; charset=utf-8",
        )
    site_server.set("/news/0/", report("Meta's Adversarial Threat Report, H2 2025", 15))
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.meta_repo]
kind = "github_index"
url = "{site_server.url("/threat-research/main/index.json")}"
org = "Meta"
""",
    )
    result = poll(cfg)
    assert result.exit_code == 0, result.stderr
    [r] = json.loads(result.stdout)
    assert r["items_found"] == 4 and r["fetched"] == 3 and r["kept"] == 3 and r["errors"] == []
    decided = items(cfg)
    assert decided[site_server.url("/threat-research/main/indicators/2021_07_no_markdown_here.md")].reason.startswith(
        "optional file not found"
    )
    assert "facebook_accounts=15" in decided[site_server.url(f"/threat-research/main/indicators/{ids[0]}.md")].reason


def test_embedded_json_page_is_deduplicated(site_server, tmp_path):
    data = {
        "props": {
            "networks": [
                {"title": "Network A", "url": "/transparency/net-a"},
                {"title": "Network B", "url": "/transparency/net-b"},
            ]
        }
    }
    page = f'<html><body><script type="application/json" id="__DATA__">{json.dumps(data)}</script><script type="application/json">{json.dumps(data)}</script></body></html>'
    site_server.set("/covert-influence-operations", page)
    site_server.set(
        "/transparency/net-a",
        report("Network A: operating from Romania", 78).replace("Facebook accounts, 12 Pages and 3 Groups", "accounts"),
    )
    site_server.set("/transparency/net-b", report("Network B", 9))
    cfg = cfg_with(
        tmp_path,
        f"""
[sources.tiktok]
kind = "embedded_json"
url = "{site_server.url("/covert-influence-operations")}"
org = "TikTok"
""",
    )
    [r] = json.loads(poll(cfg).stdout)
    assert r["items_found"] == 2 and r["fetched"] == 2
    assert site_server.hits("/transparency/net-a") == 1


def test_wayback_backfill_fetches_each_original_once(site_server, tmp_path):
    original_a, original_b = (
        "https://about.fb.com/news/2019/10/removing-cib-russia/",
        "https://about.fb.com/news/2019/11/removing-cib-iran/",
    )
    rows = [
        ["timestamp", "original", "statuscode", "mimetype"],
        ["20191030120000", original_a, "200", "text/html"],
        ["20191021090000", original_a, "200", "text/html"],
        ["20191101000000", original_a + "?utm_source=x", "404", "text/html"],
        ["20191122080000", original_b, "200", "text/html"],
    ]
    site_server.set("/cdx/search/cdx", json.dumps(rows), content_type="application/json")
    site_server.set(
        f"/web/20191021090000id_/{original_a}", report("Removing Coordinated Inauthentic Behavior From Russia", 35)
    )
    site_server.set(
        f"/web/20191122080000id_/{original_b}", report("Removing Coordinated Inauthentic Behavior From Iran", 22)
    )
    cfg = cfg_with(
        tmp_path,
        """
[sources.meta_history]
kind = "wayback"
url = "https://about.fb.com/news/"
org = "Meta"
from_year = 2019
""",
        server=site_server,
    )
    result = run_cli("backfill", "meta_history", "--from", "2019", "--to", "2019", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    [r] = json.loads(result.stdout)
    assert r["items_found"] == 2 and r["fetched"] == 2
    cdx = next(p for _, p, _ in site_server.requests if p.startswith("/cdx/"))
    assert "matchType=prefix" in cdx and "from=2019" in cdx and "to=2019" in cdx
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        captures = {c.url: c for c in s.query(Capture)}
        links = {j.url: j.archive_link for j in s.query(ArchiveJob)}
    catalogue.dispose()
    assert set(captures) == {original_a, original_b}
    assert captures[original_a].final_url.endswith(f"/web/20191021090000id_/{original_a}")
    assert links[original_a] == f"https://web.archive.org/web/20191021090000/{original_a}"
    stubs = json.loads(run_cli("stubs", "list", "--config", cfg, "--json").stdout)
    assert {ref["archive"] for s in stubs for ref in s["references"]} == {links[original_a], links[original_b]}
    again = json.loads(run_cli("backfill", "meta_history", "--config", cfg, "--json").stdout)[0]
    assert again["fetched"] == 0 and again["skipped"] == 2


def test_force_include_and_unknown_source(site_server, tmp_path):
    newsroom(site_server)
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    result = run_cli(
        "include", site_server.url("/news/2021/10/creators/"), "--source", "newsroom", "--config", cfg, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert items(cfg)[site_server.url("/news/2021/10/creators/")].decision == "forced"
    bad = run_cli("poll", "nope", "--config", cfg)
    assert bad.exit_code != 0 and "unknown source(s): nope" in bad.stderr
    bad = run_cli("backfill", "nope", "--config", cfg)
    assert bad.exit_code != 0 and "no source named 'nope'" in bad.stderr


def test_invalid_source_config_is_a_one_line_error(tmp_path):
    cfg = cfg_with(tmp_path, '[sources.x]\nkind = "carrier-pigeon"\nurl = "http://x/"\n')
    result = run_cli("sources", "--config", cfg)
    assert result.exit_code != 0 and "[sources.x] kind must be one of" in result.stderr


def test_source_schedules_use_the_daemons_parser(tmp_path):
    """One parser: what the README documents ("1h30m") is accepted, an impossible cron line refused."""
    cfg = cfg_with(tmp_path, '[sources.x]\nkind = "feed"\nurl = "http://x/"\nschedule = "1h30m"\n')
    listed = run_cli("sources", "--config", cfg, "--json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["schedule"] == "1h30m"
    for bad in ("99 * * * *", "soon"):
        cfg.write_text(cfg.read_text().replace('schedule = "1h30m"', f'schedule = "{bad}"'))
        result = run_cli("sources", "--config", cfg)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code != 0 and len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ") and "[sources.x] schedule" in lines[0] and repr(bad) in lines[0], lines[0]
        cfg.write_text(cfg.read_text().replace(f'schedule = "{bad}"', 'schedule = "1h30m"'))


def test_sources_are_parsed_once_and_carry_parsed_schedules(tmp_path):
    """The tables are validated once per loaded config: the daemon, the pipeline's org lookup and the
    CLI get the same Source objects, each holding its Schedule (no reader parses the text again)."""
    cfg = cfg_with(
        tmp_path,
        '[sources.x]\nkind = "feed"\nurl = "http://x/"\nschedule = "0 */6 * * *"\norg = "Example"\n'
        '[sources.y]\nkind = "feed"\nurl = "http://y/"\nenabled = false\n',
    )
    config = load_config(str(cfg))
    first = load_sources(config)
    assert [s.schedule for s in first] == [parse_schedule("0 */6 * * *"), parse_schedule("6h")]
    assert all(a is b for a, b in zip(first, load_sources(config), strict=True))
    [scheduled] = adapter.load_sources(config)  # the enabled one
    assert scheduled.spec is first[0] and scheduled.schedule is first[0].schedule


def test_the_org_lookup_reads_the_validated_sources(tmp_path):
    """A source's `org` must be a name; the pipeline's org lookup refuses a bad table as every other
    reader does, instead of reading the raw table."""
    cfg = cfg_with(tmp_path, '[sources.x]\nkind = "feed"\nurl = "http://x/"\norg = 5\n')
    assert run_cli("captures", "--config", cfg).exit_code == 0  # the catalogue exists; sources are not read
    listed = run_cli("sources", "--config", cfg)
    assert listed.exit_code != 0 and "[sources.x] org must be a str" in listed.stderr
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url)
    try:
        with pytest.raises(UserError, match=r"\[sources\.x\] org must be a str"):
            source_org(config, catalogue, "http://x/report", None)
    finally:
        catalogue.dispose()


def test_source_org_names_reports_from_hosts_the_org_table_does_not_know(site_server, tmp_path):
    site_server.set(
        "/feed/",
        rss([("Coordinated inauthentic behavior report", site_server.url("/r/1/"), "cib")]),
        content_type="application/rss+xml",
    )
    site_server.set("/r/1/", report("Coordinated inauthentic behavior report"))
    cfg = cfg_with(
        tmp_path, f'[sources.graphika]\nkind = "feed"\nurl = "{site_server.url("/feed/")}"\norg = "Graphika"\n'
    )
    assert poll(cfg).exit_code == 0
    [stub] = json.loads(run_cli("stubs", "list", "--config", cfg, "--json").stdout)
    assert stub["references"][0]["org"] == "Graphika"
    # the one extract-from-capture path keeps the source's org on later extractions too
    extracted = run_cli("extract", site_server.url("/r/1/"), "--config", cfg, "--json")
    assert extracted.exit_code == 0, extracted.stderr
    assert json.loads(extracted.stdout)["org"] == "Graphika"
    assert run_cli("reextract", site_server.url("/r/1/"), "--config", cfg).exit_code == 0
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        assert [r.data["org"] for r in s.query(ReportRow)] == ["Graphika"]
    catalogue.dispose()


def test_backfill_larger_than_max_items_continues_on_the_next_run(site_server, tmp_path):
    originals = [f"https://blog.twitter.com/en_us/topics/company/2019/io-{i}.html" for i in range(3)]
    rows = [["timestamp", "original", "statuscode", "mimetype"]] + [
        [f"2019010{i + 1}000000", u, "200", "text/html"] for i, u in enumerate(originals)
    ]
    site_server.set("/cdx/search/cdx", json.dumps(rows), content_type="application/json")
    for i, u in enumerate(originals):
        site_server.set(f"/web/2019010{i + 1}000000id_/{u}", report(f"Information operations disclosure {i}", 100 + i))
    cfg = cfg_with(
        tmp_path,
        """
[sources.twitter_history]
kind = "wayback"
url = "https://blog.twitter.com/en_us/topics/company/"
org = "Twitter"
max_items = 2
""",
        server=site_server,
    )
    first = json.loads(run_cli("backfill", "twitter_history", "--config", cfg, "--json").stdout)[0]
    assert first["fetched"] == 2 and first["deferred"] == 1
    second = json.loads(run_cli("backfill", "twitter_history", "--config", cfg, "--json").stdout)[0]
    assert second["fetched"] == 1 and second["skipped"] == 2 and second["deferred"] == 0
    assert {u for u, i in items(cfg).items() if i.decision == "kept"} == set(originals)
    assert all(site_server.hits(f"/web/2019010{i + 1}000000id_/{u}") == 1 for i, u in enumerate(originals))
