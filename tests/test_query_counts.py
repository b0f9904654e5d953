"""Query discipline: the SQL statements a command sends do not grow with the catalogue (no N+1).

Each command runs against a small and a five-times larger catalogue; bench/querycount.py
counts what it sends (SQLAlchemy's statements and archive.quickread's plain SQL). A per-row
query anywhere in list, show, export, the feed, status or a one-report fetch makes the two
counts differ.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from archive.catalogue import Catalogue
from archive.tables import ArchiveJob, Stub
from bench.querycount import counting
from scraper.config import load_config
from scraper.extract.report import Network, Report
from scraper.stubs import rewrite_feed, store

from .conftest import make_config, run_cli
from .stubs.test_matching_scale import add_report

PAGE = """<html><head><title>Network {n} removed</title><meta property="article:published_time" content="{day}T10:00:00Z"></head>
<body><article><h1>Network {n}</h1><p>We removed {a} Facebook accounts and 4 Pages for coordinated inauthentic behavior.
This network originated in Iran and targeted audiences in Israel.</p><p>More words about the network and what it posted.</p></article></body></html>"""


def grow(cfg_path: Path, stubs: int) -> None:
    """`stubs` stubs of three references each; every reference has a successful archive link."""
    cfg = load_config(str(cfg_path))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)
    for n in range(stubs * 3):
        cluster = n // 3
        report = Report(
            url=f"https://example.org/{n}",
            final_url=f"https://example.org/{n}",
            title=f"Report {n}",
            platform="Meta",
            pub_date=date(2019, 1, 1) + timedelta(days=30 * cluster + n % 3),
            text="Active since 2018.",
            networks=[
                Network(
                    origin=["Iran"],
                    counts={"facebook_accounts": 1000 + cluster},
                    evidence=[f"We removed {1000 + cluster} accounts."],
                )
            ],
        )
        capture_id = add_report(catalogue, report, n)
        store.update_stubs_for_report(cfg, catalogue, capture_id)
        with catalogue.session() as s:
            s.add(
                ArchiveJob(
                    url=report.url,
                    capture_id=capture_id,
                    status="success",
                    archive_timestamp="20200101000000",
                    archive_link=f"https://web.archive.org/web/20200101000000/{report.url}",
                )
            )
    rewrite_feed(cfg, catalogue)
    catalogue.dispose()


def queries(*args: str | Path) -> int:
    with counting() as statements:
        result = run_cli(*args)
    assert result.exit_code in (0, 1), result.stderr  # status exits 1 only for a failing source
    return len(statements)


def test_commands_send_the_same_queries_at_two_catalogue_sizes(tmp_path, site_server):
    counts: list[dict[str, int]] = []
    for size, folder in ((3, "small"), (15, "large")):
        cfg = make_config(tmp_path / folder, '[orgs]\n"127.0.0.1" = "Meta"\n')
        grow(cfg, size)
        catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
        with catalogue.session() as s:
            first = s.scalar(select(Stub.stub_id).order_by(Stub.id))
        listed = json.loads(run_cli("stubs", "list", "--json", "--config", cfg).stdout)
        assert len(listed) == size and all(
            r["archive"].startswith("https://web.archive.org/web/") for st in listed for r in st["references"]
        )
        site_server.set(f"/news/{folder}/", PAGE.format(n=size, day="2024-05-03", a=77))
        with counting() as statements:
            rewrite_feed(load_config(str(cfg)), catalogue)
        feed = len(statements)
        catalogue.dispose()
        counts.append(
            {
                "stubs list": queries("stubs", "list", "--config", cfg),
                "stubs list --json": queries("stubs", "list", "--json", "--config", cfg),
                "stubs show": queries("stubs", "show", first, "--config", cfg),
                "stubs export xlsx": queries(
                    "stubs", "export", "--format", "xlsx", "-o", tmp_path / folder / "x", "--config", cfg
                ),
                "stubs export md": queries(
                    "stubs", "export", "--format", "md", "-o", tmp_path / folder / "m", "--config", cfg
                ),
                "status": queries("status", "--config", cfg),
                "captures": queries("captures", "--config", cfg),
                "fetch (new report, new stub)": queries("fetch", site_server.url(f"/news/{folder}/"), "--config", cfg),
                "feed": feed,
            }
        )
    small, large = counts
    assert small == large
    assert all(small.values()), small  # every command was seen sending its queries, plain SQL included


BIG_TABLES = (
    "captures",
    "reports",
    "stubs",
    "stub_references",
    "stub_match_keys",
    "archive_jobs",
    "wacz_files",
    "stub_changes",
)


def test_ingestion_lookups_use_indexes(tmp_path, site_server):
    """Every SELECT a one-report fetch sends (capture lookup, stub matching, feed) searches an index."""
    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1" = "Meta"\n')
    grow(cfg, 4)
    site_server.set("/news/one/", PAGE.format(n=1, day="2019-02-01", a=1001))  # joins the second stub
    site_server.set("/news/two/", PAGE.format(n=2, day="2023-02-01", a=55))  # a new stub
    sent: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        results = [run_cli("fetch", site_server.url(f"/news/{p}/"), "--config", cfg, "--json") for p in ("one", "two")]
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    assert [json.loads(r.stdout)["stub_action"] for r in results] == ["merged", "created"]
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    scans = []
    with catalogue.engine.connect() as conn:
        for statement, parameters in sent:
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                detail = row[-1]
                if any(detail.startswith(f"SCAN {t}") for t in BIG_TABLES):
                    scans.append(f"{detail}: {statement}")
    catalogue.dispose()
    assert scans == []
