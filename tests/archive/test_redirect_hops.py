"""A redirected report is replayable at the URL asked for: every 3xx hop is in the WARC, the WACZ and its index."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import Catalogue
from archive.tables import Capture
from archive.verify import capture_index, resolves
from archive.verify import wacz_index_urls as verify_index

from ..conftest import SITES, SiteServer, run_cli
from .test_snapshots import export, wacz_validate

WIRE = "/article/554018908.html"


def _wacz_members(path: Path) -> tuple[list, list[str], dict, list[dict]]:
    with zipfile.ZipFile(path) as z:
        records = []
        for record in ArchiveIterator(io.BytesIO(z.read("archive/data.warc.gz"))):
            records.append(
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.http_headers.get_statuscode()
                    if record.http_headers and record.rec_type == "response"
                    else None,
                    record.http_headers.get_header("Location") if record.http_headers else None,
                )
            )
        index_names = [n for n in z.namelist() if n.startswith("indexes/") and ".cdx" in n]
        lines: list[str] = []
        for name in index_names:
            data = z.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            lines += data.decode().splitlines()
        package = json.loads(z.read("datapackage.json"))
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()]
    return records, lines, package, pages


def test_a_two_host_redirect_chain_is_stored_hop_by_hop_and_exported(config_path, tmp_path):
    with SiteServer(tmp_path / "empty") as first, SiteServer(SITES / "wire") as second:
        moved = f"http://localhost:{second.port}/moved"
        final = f"http://localhost:{second.port}{WIRE}"
        first.set("/old", "", status=301, Location=moved)
        second.set("/moved", "", status=302, Location=WIRE)
        asked = first.url("/old")
        result = run_cli("fetch", asked, "--config", config_path, "--json")
        assert result.exit_code == 0, result.stderr
        out = json.loads(result.stdout)
    assert out["final_url"] == final

    [warc] = list((config_path.parent / "data" / "warc").glob("*.warc.gz"))
    check = run_cli("archive", "verify", "--config", config_path)
    assert check.exit_code == 0, check.stdout + check.stderr
    responses = {}
    with open(warc, "rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type == "response":
                responses[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.http_headers.get_statuscode(),
                    record.http_headers.get_header("Location"),
                )
    assert responses == {asked: ("301", moved), moved: ("302", WIRE), final: ("200", None)}

    target = tmp_path / "export" / "report.wacz"
    exported = run_cli("archive", "export", asked, "-o", target, "--config", config_path)
    assert exported.exit_code == 0, exported.stderr
    proc = wacz_validate(target)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records, index, package, pages = _wacz_members(target)
    # Each hop is a response record with its Location and a request record for the same URL.
    for url, status, location in [(asked, "301", moved), (moved, "302", WIRE), (final, "200", None)]:
        assert ("response", url, status, location) in records
        assert any(kind == "request" and uri == url for kind, uri, _, _ in records)
    # The CDXJ index resolves the URL asked for (and the hop) to their 3xx records.
    entries = [
        json.loads(line.split(" ", 2)[2])
        for line in index
        if line.count(" ") >= 2 and line.split(" ", 2)[2].startswith("{")
    ]
    indexed = {e["url"]: e for e in entries if "url" in e}
    assert indexed[asked]["status"] == "301" and indexed[moved]["status"] == "302" and indexed[final]["status"] == "200"
    # pages.jsonl names the page as served; the asked-for URL resolves through the hops above.
    assert [p["url"] for p in pages if "url" in p] == [final]
    assert package["mainPageUrl"] == final and package["title"] == out["title"]


def test_datapackage_names_the_report_and_its_main_page(site_server, config_path, tmp_path):
    site_server.root = site_server.root / "wire"
    result = run_cli("fetch", site_server.url(WIRE), "--config", config_path, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    wacz = export(config_path, out["url"], tmp_path / "wire.wacz")
    proc = wacz_validate(wacz)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records, _, package, pages = _wacz_members(wacz)
    [page] = [p for p in pages if "url" in p]
    assert out["title"] and package["title"] == out["title"]
    assert package["mainPageUrl"] == out["final_url"] == page["url"]
    assert package["mainPageDate"] == page["ts"]


def test_verify_resolves_a_reference_to_the_asked_url_through_its_hop_records(config_path, tmp_path):
    """verify reads what a capture's WACZ index will answer from its WARC block; the exported WACZ's index agrees."""
    with SiteServer(SITES / "wire") as site:
        site.set("/old", "", status=301, Location=WIRE)
        asked = site.url("/old")
        result = run_cli("fetch", asked, "--config", config_path, "--json")
        assert result.exit_code == 0, result.stderr
    data = config_path.parent / "data"
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        # fetch made a stub citing the report; make it cite the URL that was asked for
        assert conn.execute("UPDATE stub_references SET url = ?, normalised_url = ?", (asked, asked)).rowcount >= 1
    wacz = export(config_path, asked, tmp_path / "asked.wacz")
    assert verify_index(wacz)[asked] == "301"  # the hop record itself answers the asked-for URL
    catalogue = Catalogue(f"sqlite:///{data / 'catalogue.sqlite'}", migrate=True)
    try:
        with catalogue.session() as s:
            [capture] = s.query(Capture).all()
            assert capture_index(data, capture) == {
                u: st for u, st in verify_index(wacz).items() if not u.startswith("urn:")
            }  # the report's metadata record aside
    finally:
        catalogue.dispose()
    check = run_cli("archive", "verify", "--all", "--config", config_path)
    assert check.exit_code == 0, check.stdout + check.stderr
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        conn.execute("UPDATE stub_references SET url = ?, normalised_url = ?", (asked + "-gone", asked + "-gone"))
    check = run_cli("archive", "verify", "--all", "--config", config_path)
    assert check.exit_code != 0 and "would not resolve" in check.stderr


def test_the_asked_url_needs_its_hop_record_unless_the_wacz_predates_hops():
    final, asked = "https://example.org/report", "https://example.org/old"
    assert resolves(asked, asked, final, {asked: "301", final: "200"})
    # Hops were written but the asked-for URL's is not there: not resolvable.
    assert not resolves(asked, asked, final, {"https://example.org/moved": "302", final: "200"})
    # A WACZ built before hops were written has no 3xx record: the final URL stands in, as it did then.
    assert resolves(asked, asked, final, {final: "200"})
    assert not resolves("https://example.org/other", asked, final, {final: "200"})
