"""`takedowns fetch` end to end against fixture sites on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import Catalogue
from archive.tables import Capture, WarcFile
from scraper.config import load_config

from .conftest import SITES, run_cli, run_console

DFRLAB = "/2019/01/31/trolltracker-outward-influence-operation-from-iran/"
WIRE = "/article/554018908.html"


def fetch_json(config_path: Path, url: str) -> dict:
    result = run_cli("fetch", url, "--config", config_path, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def warcio_check(path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fetch_press_release_fields_and_warc(site_server, config_path):
    site_server.root = site_server.root / "wire"
    url = site_server.url(WIRE)
    out = fetch_json(config_path, url)
    assert out["url"] == url and out["final_url"] == url and out["status"] == 200
    assert (
        out["title"]
        == "(Video) Facebook Revealed the Latest in a Series of Mass Takedowns of Deceptive Content Originating in Iran"
    )
    assert out["pub_date"] is None or out["pub_date"] == "2021-10-17"
    assert out["text_chars"] > 2000
    warc = config_path.parent / "data" / out["warc"]
    warcio_check(warc)
    # the catalogue's offset leads to the very bytes that were served
    served = (SITES / "wire/article/554018908.html").read_bytes()
    with open(warc, "rb") as f:
        f.seek(out["warc_offset"])
        record = next(iter(ArchiveIterator(f)))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        payload = record.raw_stream.read()
    assert hashlib.sha256(payload).hexdigest() == out["payload_sha256"] == hashlib.sha256(served).hexdigest()


def test_fetch_dfrlab_page_title_date_authors_org(site_server, tmp_path):
    from .conftest import make_config

    cfg = make_config(tmp_path, '[orgs]\n"127.0.0.1/2019" = "DFRLab"\n')
    site_server.root = site_server.root / "dfrlab"
    out = fetch_json(cfg, site_server.url(DFRLAB))
    assert out["title"] == "#TrollTracker: Outward Influence Operation From Iran"
    assert out["pub_date"] == "2019-01-31"
    assert out["org"] == "DFRLab"
    assert "Kanishk Karan" in out["authors"] and "Graham Brookie" in out["authors"]
    assert out["text_chars"] > 500


def test_unchanged_refetch_adds_no_bytes_changed_page_adds_capture(site_server, config_path):
    body = (SITES / "wire/article/554018908.html").read_text()
    site_server.set("/news/item.html", body)
    url = site_server.url("/news/item.html")
    first = fetch_json(config_path, url)
    cfg = load_config(str(config_path))
    sizes = {p: p.stat().st_size for p in cfg.warc_dir.glob("*.warc.gz")}
    second = fetch_json(config_path, url)
    assert second["capture_id"] == first["capture_id"] and second["unchanged"] and not second["new_capture"]
    assert {p: p.stat().st_size for p in cfg.warc_dir.glob("*.warc.gz")} == sizes
    site_server.set("/news/item.html", body.replace("93 Facebook accounts", "94 Facebook accounts"))
    third = fetch_json(config_path, url)
    assert third["capture_id"] != first["capture_id"] and third["new_capture"]
    listing = json.loads(run_cli("captures", url, "--config", config_path, "--json").stdout)
    assert [c["capture_id"] for c in listing] == [first["capture_id"], third["capture_id"]]
    assert listing[0]["seen_count"] == 2
    for warc in cfg.warc_dir.glob("*.warc.gz"):
        warcio_check(warc)


def test_redirects_are_followed_and_recorded(site_server, config_path):
    site_server.set("/old", b"", status=301, Location="/article/554018908.html")
    site_server.root = site_server.root / "wire"
    out = fetch_json(config_path, site_server.url("/old"))
    assert out["final_url"] == site_server.url(WIRE)
    assert out["redirects"] == [{"url": site_server.url("/old"), "status": 301, "location": site_server.url(WIRE)}]


def test_user_agent_from_config(site_server, config_path):
    site_server.root = site_server.root / "wire"
    fetch_json(config_path, site_server.url(WIRE))
    assert site_server.requests[-1][2]["User-Agent"] == "takedown-archiver-tests/1.0"


def test_catalogue_rows_point_at_whole_records(site_server, config_path):
    site_server.root = site_server.root / "wire"
    out = fetch_json(config_path, site_server.url(WIRE))
    cfg = load_config(str(config_path))
    cat = Catalogue(cfg.catalogue_url, migrate=True)
    with cat.session() as s:
        capture = s.get(Capture, out["capture_id"])
        warc = s.query(WarcFile).filter_by(path=capture.warc_path).one()
        assert capture.warc_offset + capture.warc_length <= warc.committed_size
        assert (cfg.data_dir / warc.path).stat().st_size == warc.committed_size


def test_torn_tail_is_truncated_before_next_append(site_server, config_path):
    """A crash mid-write leaves junk after the last committed record; the next write removes it."""
    site_server.root = site_server.root / "wire"
    out = fetch_json(config_path, site_server.url(WIRE))
    warc = config_path.parent / "data" / out["warc"]
    with open(warc, "ab") as f:
        f.write(b"\x1f\x8b\x08\x00torn-record")
    site_server.set(
        "/other.html",
        "<html><head><title>Other</title></head><body><article><p>"
        + "Meta removed 12 accounts. " * 40
        + "</p></article></body></html>",
    )
    fetch_json(config_path, site_server.url("/other.html"))
    warcio_check(warc)


def test_console_script_runs_as_a_process(site_server, config_path):
    site_server.root = site_server.root / "wire"
    proc = run_console("fetch", site_server.url(WIRE), "--config", config_path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == 200


def test_warc_files_rotate_by_size(site_server, tmp_path):
    from .conftest import make_config

    cfg_path = make_config(tmp_path, "[warc]\nmax_file_bytes = 3000\n")
    for i in range(3):
        site_server.set(
            f"/r{i}.html",
            f"<html><head><title>R{i}</title></head><body><article><p>"
            + f"Report {i} removed accounts. " * 200
            + os.urandom(2000).hex()
            + "</p></article></body></html>",
        )
        fetch_json(cfg_path, site_server.url(f"/r{i}.html"))
    cfg = load_config(str(cfg_path))
    files = sorted(cfg.warc_dir.glob("*.warc.gz"))
    assert len(files) == 3
    for path in files:
        warcio_check(path)
        with open(path, "rb") as f:
            types = [r.rec_type for r in ArchiveIterator(f)]
        assert types == ["warcinfo", "response", "request"]


def test_fetch_medium_page_title_date_author_org(site_server, config_path):
    page = (
        Path(__file__).parent / "sites" / "medium" / "host-your-node-app-on-dokku-digitalocean-1cb97e3ab041.html"
    ).read_bytes()
    site_server.set("/dfrlab/host-your-node-app-on-dokku-digitalocean-1cb97e3ab041", page)
    cfg = config_path
    cfg.write_text(cfg.read_text() + '\n[orgs]\n"127.0.0.1/dfrlab" = "DFRLab"\n')
    out = fetch_json(cfg, site_server.url("/dfrlab/host-your-node-app-on-dokku-digitalocean-1cb97e3ab041"))
    assert out["title"] == "Host your Node app on Dokku & DigitalOcean"
    assert out["pub_date"] == "2016-03-28" and out["authors"] == ["Tim Perry"] and out["org"] == "DFRLab"
