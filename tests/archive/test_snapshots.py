"""Local snapshots: the WARC is the one stored copy; the WACZ built from it passes `wacz validate`, is
the same bytes at every build; `archive verify`, `archive export`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ..conftest import run_cli

WIRE = "/article/554018908.html"


def fetch(site_server, config_path: Path) -> dict:
    site_server.root = site_server.root / "wire"
    result = run_cli("fetch", site_server.url(WIRE), "--config", config_path, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from wacz.main import main; sys.exit(main(sys.argv[1:]))",
            "validate",
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
    )


def export(config_path: Path, url: str, target: Path) -> Path:
    result = run_cli("archive", "export", url, "-o", target, "--config", config_path)
    assert result.exit_code == 0, result.stderr
    return target


def test_a_capture_is_stored_once_and_its_wacz_is_valid_with_matching_pages(site_server, config_path, tmp_path):
    out = fetch(site_server, config_path)
    data = config_path.parent / "data"
    assert list(data.rglob("*.wacz")) == []  # no second copy of the records is kept
    wacz = export(config_path, out["url"], tmp_path / "a.wacz")
    again = export(config_path, out["url"], tmp_path / "b.wacz")
    assert wacz.read_bytes() == again.read_bytes()  # reproducible: the package is a pure function of the WARC records
    proc = wacz_validate(wacz)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(wacz) as z:
        names = set(z.namelist())
        assert {"pages/pages.jsonl", "datapackage.json", "datapackage-digest.json", "archive/data.warc.gz"} <= names
        assert any(n.startswith("indexes/") for n in names)
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()]
        records = list(ArchiveIterator(io.BytesIO(z.read("archive/data.warc.gz"))))
        datapackage = json.loads(z.read("datapackage.json"))
    [entry] = [p for p in pages if "url" in p]
    response = next(r for r in records if r.rec_type == "response")
    assert entry["url"] == out["final_url"] == response.rec_headers.get_header("WARC-Target-URI")
    assert entry["ts"] == response.rec_headers.get_header("WARC-Date")
    assert entry["title"] == out["title"] and "93 Facebook accounts" in entry["text"]
    metadata = [r for r in records if r.rec_type == "metadata"]
    assert metadata and all(r.rec_headers.get_header("WARC-Target-URI").startswith("urn:") for r in metadata)
    assert {r.rec_type for r in records} >= {"response", "request", "metadata"}
    assert all(res["hash"].startswith("sha256:") for res in datapackage["resources"])


def test_archive_verify_passes_then_catches_a_corrupted_warc(site_server, config_path):
    fetch(site_server, config_path)
    ok = run_cli("archive", "verify", "--config", config_path)
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert "all good" in ok.stdout
    [warc] = list((config_path.parent / "data" / "warc").glob("*.warc.gz"))
    data = bytearray(warc.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 40] = bytes(40)
    warc.write_bytes(bytes(data))
    bad = run_cli("archive", "verify", "--config", config_path)
    assert bad.exit_code != 0
    assert f"BROKEN {warc}" in bad.stderr


def test_archive_verify_catches_a_wacz_without_pages(tmp_path, site_server, config_path):
    out = fetch(site_server, config_path)
    wacz = export(config_path, out["url"], tmp_path / "whole.wacz")
    stripped = tmp_path / "stripped.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if item.filename != "pages/pages.jsonl":
                dst.writestr(item, src.read(item.filename))
    result = run_cli("archive", "verify", stripped, "--config", config_path)
    assert result.exit_code != 0 and "pages/pages.jsonl is missing" in result.stderr


def test_archive_export_hands_out_one_report(site_server, config_path, tmp_path):
    out = fetch(site_server, config_path)
    target = tmp_path / "out" / "report.wacz"
    result = run_cli("archive", "export", out["url"], "-o", target, "--config", config_path)
    assert result.exit_code == 0, result.stderr
    assert wacz_validate(target).returncode == 0
    missing = run_cli("archive", "export", "http://127.0.0.1:1/none", "-o", target, "--config", config_path)
    assert missing.exit_code != 0 and "no stored capture" in missing.stderr


def test_a_capture_rebuilt_later_holds_its_own_records_only(site_server, config_path, tmp_path):
    """A WACZ built after later captures were appended to the same WARC must not take them in."""
    text = "The platform said the accounts posted about politics and current events in several languages. " * 4
    pages = {
        f"/report-{n}.html": f"<html><head><title>Report {n}</title></head><body><article><h1>Report {n}</h1>"
        f"<p>We removed {n + 10} accounts for coordinated inauthentic behavior. {text}</p></article></body></html>"
        for n in range(3)
    }
    for path, body in pages.items():
        site_server.set(path, body)
        result = run_cli("fetch", site_server.url(path), "--config", config_path, "--json")
        assert result.exit_code == 0, result.stderr
    [warc] = list((config_path.parent / "data" / "warc").glob("*.warc.gz"))  # all three in one file
    target = tmp_path / "first.wacz"
    result = run_cli("archive", "export", site_server.url("/report-0.html"), "-o", target, "--config", config_path)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(target) as z:
        records = list(ArchiveIterator(io.BytesIO(z.read("archive/data.warc.gz"))))
    uris = {r.rec_headers.get_header("WARC-Target-URI") for r in records if r.rec_type in ("response", "request")}
    assert uris == {site_server.url("/report-0.html")}, (uris, warc)
    assert wacz_validate(target).returncode == 0
