"""Issue 26: the WARC is the preservation master. Start-up never deletes one (an emptied or new
catalogue moves unlisted WARCs into quarantine, byte for byte), `archive verify` reports captures no
catalogue row describes, `archive reindex` rebuilds the rows from the WARCs, and a WARC cut short is
never written after."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from archive.catalogue import Catalogue

from ..conftest import make_config, run_cli
from ..daemon.harness import DaemonProcess

REPORT = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>Today we removed {n} Facebook accounts and {m} Pages for coordinated inauthentic behavior that targeted voters.</p>"
    "</article></body></html>"
)
CAPTURE_COLUMNS = (
    "id",
    "url",
    "final_url",
    "fetched_at",
    "status",
    "content_type",
    "payload_sha256",
    "payload_length",
    "warc_path",
    "warc_offset",
    "warc_length",
    "warc_record_id",
    "warc_date",
    "redirects",
    "etag",
    "last_modified",
    "seen_count",
    "rendered",
)


def publish(site_server, count: int) -> list[str]:
    """`count` report pages, the last one reached through two redirects (its capture has hop records)."""
    urls = []
    for i in range(count):
        site_server.set(
            f"/report-{i}.html", REPORT.format(title=f"Network {i} removed", n=10 + i, m=i + 1), ETag=f'"v{i}"'
        )
        urls.append(site_server.url(f"/report-{i}.html"))
    site_server.set("/old", "", status=301, Location="/older")
    site_server.set("/older", "", status=302, Location=site_server.url(f"/report-{count - 1}.html"))
    urls[-1] = site_server.url("/old")
    return urls


def fetch_all(cfg: Path, urls: list[str]) -> None:
    for url in urls:
        result = run_cli("fetch", url, "--config", cfg, "--json")
        assert result.exit_code == 0, result.stderr


def rows(catalogue_url: str) -> dict[str, list[tuple]]:
    catalogue = Catalogue(catalogue_url, migrate=True)
    try:
        with catalogue.engine.connect() as c:
            captures = [
                tuple(r) for r in c.execute(sa.text(f"SELECT {', '.join(CAPTURE_COLUMNS)} FROM captures ORDER BY id"))
            ]
            files = [tuple(r) for r in c.execute(sa.text("SELECT path, committed_size FROM warc_files ORDER BY path"))]
            reports = [
                (
                    r[0],
                    r[1],
                    {
                        k: v
                        for k, v in (json.loads(r[2]) if isinstance(r[2], str) else r[2]).items()
                        if k != "extracted_at"
                    },
                )
                for r in c.execute(sa.text("SELECT capture_id, url, data FROM reports ORDER BY capture_id"))
            ]
    finally:
        catalogue.dispose()
    return {"captures": captures, "warc_files": files, "reports": reports}


def hops(capture: tuple) -> list:
    value = capture[CAPTURE_COLUMNS.index("redirects")]
    return json.loads(value) if isinstance(value, str) else value


def empty_catalogue(catalogue_url: str, data: Path) -> None:
    """What the issue did: `: > data/catalogue.sqlite`, or a new empty PostgreSQL database."""
    if catalogue_url.startswith("sqlite"):
        for name in ("catalogue.sqlite", "catalogue.sqlite-wal", "catalogue.sqlite-shm"):
            if (data / name).exists():
                (data / name).write_bytes(b"")
        return
    engine = sa.create_engine(catalogue_url)
    with engine.begin() as c:
        c.execute(sa.text("DROP SCHEMA public CASCADE"))
        c.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def verify(cfg: Path, *args: str) -> tuple[int, dict]:
    result = run_cli("archive", "verify", *args, "--config", cfg, "--json")
    return result.exit_code, json.loads(result.stdout)


def warcio_check(paths: list[Path]) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, paths)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_emptied_catalogue_loses_no_warc_and_reindex_restores_every_row(site_server, tmp_path, catalogue_url):
    cfg = make_config(tmp_path, catalogue=catalogue_url)
    data = tmp_path / "data"
    fetch_all(cfg, publish(site_server, 4))
    before = rows(catalogue_url)
    assert len(before["captures"]) == 4 and len(before["reports"]) == 4
    assert any(hops(c) for c in before["captures"])  # the redirected capture is among them
    [warc] = sorted((data / "warc").glob("*.warc.gz"))
    master = warc.read_bytes()

    empty_catalogue(catalogue_url, data)
    code, out = verify(cfg, "--all")  # it used to say "all good"
    assert code == 1 and [p["path"] for p in out["problems"]] == [str(warc)], out
    assert "4 capture(s)" in out["problems"][0]["message"] and "archive reindex" in out["problems"][0]["message"]

    with DaemonProcess(cfg, "--once") as daemon:  # start-up recovery: it used to delete the file
        assert daemon.wait(60) == 0, daemon.log()
    assert not warc.exists()
    [aside] = list((data / "quarantine").glob("*.warc.gz"))
    assert aside.name == warc.name and aside.read_bytes() == master
    assert (
        f"moved warc/{warc.name} ({len(master)} bytes) to quarantine/{warc.name}" in daemon.log()
        and "archive reindex" in daemon.log()
    )
    code, out = verify(cfg)
    assert code == 1 and [p["path"] for p in out["problems"]] == [str(aside)], out
    status = run_cli("status", "--config", cfg)
    assert "quarantine: 1 WARC file(s) moved aside" in status.stdout, status.stdout

    result = run_cli("archive", "reindex", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert "4 capture(s) added" in result.stdout and "4 report(s) re-extracted" in result.stdout
    assert warc.read_bytes() == master and not list((data / "quarantine").glob("*.warc.gz"))
    after = rows(catalogue_url)
    assert after == before
    again = run_cli("archive", "reindex", "--config", cfg, "--json")  # idempotent
    assert again.exit_code == 0 and json.loads(again.stdout)["captures_added"] == []
    assert rows(catalogue_url) == before
    assert verify(cfg, "--all") == (0, verify(cfg, "--all")[1]) and verify(cfg, "--all")[1]["problems"] == []
    warcio_check([warc])
    export = run_cli("archive", "export", publish(site_server, 4)[0], "-o", tmp_path / "first.wacz", "--config", cfg)
    assert export.exit_code == 0, export.stderr


def test_reindex_catalogues_whole_records_past_a_stale_committed_size(site_server, tmp_path):
    """A catalogue restored from an older backup: the WARC holds captures past its committed size. Start-up
    moves that tail into quarantine (it used to cut it away); reindex brings it back and catalogues it."""
    cfg = make_config(tmp_path)
    data = tmp_path / "data"
    urls = publish(site_server, 3)
    fetch_all(cfg, urls[:1])
    backup = (data / "catalogue.sqlite").read_bytes()
    fetch_all(cfg, urls[1:2])
    [warc] = sorted((data / "warc").glob("*.warc.gz"))
    master = warc.read_bytes()
    (data / "catalogue.sqlite").write_bytes(backup)  # the second capture's rows are gone, its records are not
    code, out = verify(cfg, "--all")
    assert code == 1 and "past its committed size" in out["problems"][0]["message"], out
    with DaemonProcess(cfg, "--once") as daemon:
        assert daemon.wait(60) == 0, daemon.log()
    [tail] = list((data / "quarantine").glob("*.warc.gz"))
    assert warc.read_bytes() + tail.read_bytes() == master  # moved aside whole, not cut away
    assert run_cli("archive", "reindex", "--config", cfg).exit_code == 0
    assert not list((data / "quarantine").glob("*.warc.gz"))
    listed = json.loads(run_cli("captures", "--config", cfg, "--json").stdout)
    assert sorted(c["url"] for c in listed) == sorted(urls[:2])
    assert verify(cfg, "--all")[0] == 0
    fetch_all(cfg, urls[2:])  # the store goes on appending
    assert verify(cfg)[0] == 0
    warcio_check(sorted((data / "warc").glob("*.warc.gz")))


def test_a_warc_cut_short_is_never_written_after_and_reads_of_it_exit_4(site_server, tmp_path):
    cfg = make_config(tmp_path)
    data = tmp_path / "data"
    first, second = publish(site_server, 3)[:2]
    fetch_all(cfg, [first])
    [warc] = list((data / "warc").glob("*.warc.gz"))
    size = warc.stat().st_size
    with open(warc, "r+b") as f:  # `truncate -s 50%`
        f.truncate(size // 2)
    cut = warc.read_bytes()
    result = run_cli("fetch", second, "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    assert warc.read_bytes() == cut  # it used to be filled back up with zeros and appended to
    assert f"{warc.relative_to(data)} is {size - size // 2} byte(s) shorter than its committed size" in result.stderr, (
        result.stderr
    )
    [new] = [p for p in (data / "warc").glob("*.warc.gz") if p != warc]
    warcio_check([new])
    offset = json.loads(run_cli("captures", first, "--config", cfg, "--json").stdout)[0]["warc_offset"]

    code, out = verify(cfg)
    assert code == 1 and any(
        p["path"] == str(warc) and "shorter than the catalogue's committed size" in p["message"]
        for p in out["problems"]
    )
    for args in (
        ("reextract", "--all"),
        ("archive", "export", first, "-o", str(tmp_path / "first.wacz")),
        ("extract", first),
    ):
        result = run_cli(*args, "--config", cfg)
        assert result.exit_code == 4, (args, result.exit_code, result.stderr)  # it was 70, "Unknown archive format"
        lines = [line for line in result.stderr.splitlines() if str(warc) in line]
        assert lines and f"offset {offset}" in lines[0] and "Traceback" not in result.stderr
    assert run_cli("archive", "export", second, "-o", tmp_path / "second.wacz", "--config", cfg).exit_code == 0


# Calls that can delete or shorten a file. Each place that makes one is listed with why it never
# touches a WARC; a new call anywhere under scraper/ or archive/ fails this test until it is listed.
DESTRUCTIVE = {"unlink", "remove", "rmtree", "truncate", "ftruncate", "rename", "replace", "rmdir", "move"}
ALLOWED = {
    ("archive/quarantine.py", "move_aside", "rename"): "moves a WARC into quarantine (same bytes)",
    (
        "archive/quarantine.py",
        "set_tail_aside",
        "truncate",
    ): "cuts a tail only after copying it into quarantine and fsyncing the copy",
    ("archive/quarantine.py", "bring_back", "rename"): "moves a quarantined WARC back into warc/ (reindex)",
    ("archive/wacz.py", "build_wacz", "replace"): "renames a built WACZ into place (WACZs are built, never stored)",
    ("scraper/files.py", "atomic_write", "replace"): "renames a written temporary file (feeds, exports) into place",
    ("scraper/files.py", "atomic_write", "unlink"): "removes that temporary file when writing it failed",
    ("scraper/daemon/lock.py", "acquire", "ftruncate"): "empties the daemon's pid lock file",
    ("scraper/daemon/lock.py", "release", "ftruncate"): "empties the daemon's pid lock file",
    ("scraper/stubs/sheets.py", "_write_xlsx", "remove"): "removes openpyxl's default sheet",
    ("scraper/stubs/sheets.py", "write", "remove"): "(the same call: _write_xlsx is nested in write)",
    (
        "scraper/disarm/store.py",
        "discard",
        "rmtree",
    ): "removes a DISARM download's staging folder, only <data>/disarm/.incoming-*",
    ("scraper/disarm/store.py", "install", "rename"): "moves a checked DISARM download into <data>/disarm/",
}


def _destructive_calls(repo: Path) -> set[tuple[str, str, str]]:
    import ast

    found = set()
    for folder in ("archive", "scraper"):
        for path in sorted((repo / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)] + [tree]:
                body = (
                    func.body
                    if not isinstance(func, ast.Module)
                    else [
                        n for n in func.body if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                    ]
                )
                for node in (n for stmt in body for n in ast.walk(stmt)):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Name)
                        and node.func.id in DESTRUCTIVE - {"replace", "remove"}
                    ):
                        found.add(
                            (path.relative_to(repo).as_posix(), getattr(func, "name", "<module>"), node.func.id)
                        )  # `from os import unlink`
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr in DESTRUCTIVE
                    ):
                        target = node.func.value
                        if node.func.attr == "replace" and not (isinstance(target, ast.Name) and target.id == "os"):
                            continue  # str.replace / dataclasses.replace: not a file operation
                        if node.func.attr == "remove" and not (
                            isinstance(target, ast.Name) and target.id in ("os", "shutil", "wb", "event")
                        ):
                            continue  # list.remove and set.remove
                        name = func.name if not isinstance(func, ast.Module) else "<module>"
                        found.add((path.relative_to(repo).as_posix(), name, node.func.attr))
    return found


def test_no_code_deletes_or_cuts_a_warc_except_through_quarantine():
    """Issue 26: `WarcStore.repair` deleted every WARC an emptied catalogue did not list. Every call that could
    delete, move or shorten a file is accounted for here; WARC bytes move only through archive/quarantine.py."""
    repo = Path(__file__).resolve().parents[2]
    found = _destructive_calls(repo)
    unexplained = sorted(found - set(ALLOWED))
    assert unexplained == [], (
        f"calls that may delete or cut a file; route WARCs through archive/quarantine.py or list them: {unexplained}"
    )
    assert ("archive/warc.py", "repair", "unlink") not in found


def _members(data: bytes) -> list[bytes]:
    """The gzip members (one record each) of a .warc.gz, by warcio's offsets."""
    import io

    from warcio.archiveiterator import ArchiveIterator

    members = []
    iterator = ArchiveIterator(io.BytesIO(data))
    for record in iterator:
        iterator.read_to_end(record)
        start = iterator.get_record_offset()
        members.append(data[start : start + iterator.get_record_length()])
    return members


def test_verify_of_a_wacz_checks_the_digests_of_its_records(site_server, tmp_path):
    """A WACZ whose response record was altered and whose datapackage hashes were recomputed passes `wacz validate`;
    `archive verify FILE.wacz` reads each record's block and payload digests and fails it."""
    import gzip
    import hashlib
    import zipfile

    from .test_snapshots import wacz_validate

    cfg = make_config(tmp_path)
    [url] = publish(site_server, 2)[:1]
    fetch_all(cfg, [url])
    good = tmp_path / "good.wacz"
    assert run_cli("archive", "export", url, "-o", good, "--config", cfg).exit_code == 0
    code, out = verify(cfg, str(good))
    assert code == 0 and out["problems"] == [], out

    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as dst:
        members = _members(src.read("archive/data.warc.gz"))
        record = gzip.decompress(members[0])
        assert b"removed 10 Facebook accounts" in record
        members[0] = gzip.compress(record.replace(b"removed 10 Facebook accounts", b"removed 90 Facebook accounts"))
        warc = b"".join(members)
        package = json.loads(src.read("datapackage.json"))
        for resource in package["resources"]:
            if resource["path"] == "archive/data.warc.gz":
                resource["hash"], resource["bytes"] = "sha256:" + hashlib.sha256(warc).hexdigest(), len(warc)
        package_bytes = json.dumps(package, indent=2).encode()
        digest = json.loads(src.read("datapackage-digest.json"))
        digest["hash"] = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        for item in src.infolist():
            body = {
                "archive/data.warc.gz": warc,
                "datapackage.json": package_bytes,
                "datapackage-digest.json": json.dumps(digest).encode(),
            }.get(item.filename, src.read(item.filename))
            dst.writestr(item, body)
    assert wacz_validate(tampered).returncode == 0  # the package-level hashes agree: only the record digests can tell
    code, out = verify(cfg, str(tampered))
    assert code == 1, out
    assert any("archive/data.warc.gz" in p["message"] and "digest" in p["message"] for p in out["problems"]), out


def test_export_chooses_a_capture(site_server, tmp_path):
    """`archive export URL` took the newest capture, whatever its kind; `--capture ID` and `--plain` choose."""
    cfg = make_config(tmp_path)
    site_server.set("/changing.html", REPORT.format(title="First version", n=11, m=1))
    url = site_server.url("/changing.html")
    fetch_all(cfg, [url])
    site_server.set("/changing.html", REPORT.format(title="Second version", n=22, m=2))
    fetch_all(cfg, [url])
    listed = json.loads(run_cli("captures", url, "--config", cfg, "--json").stdout)
    first, second = sorted(c["capture_id"] for c in listed)

    newest = run_cli("archive", "export", url, "-o", tmp_path / "newest.wacz", "--config", cfg, "--json")
    assert newest.exit_code == 0 and json.loads(newest.stdout)["capture_id"] == second
    older = run_cli(
        "archive", "export", "--capture", str(first), "-o", tmp_path / "older.wacz", "--config", cfg, "--json"
    )
    assert older.exit_code == 0, older.stderr
    assert json.loads(older.stdout)["capture_id"] == first
    assert verify(cfg, str(tmp_path / "older.wacz"))[0] == 0
    with zipfile_text(tmp_path / "older.wacz") as pages:
        assert "First version" in pages and "Second version" not in pages
    plain = run_cli("archive", "export", url, "--plain", "-o", tmp_path / "plain.wacz", "--config", cfg, "--json")
    assert plain.exit_code == 0 and json.loads(plain.stdout)["capture_id"] == second
    rendered = run_cli("archive", "export", url, "--rendered", "-o", tmp_path / "r.wacz", "--config", cfg)
    assert rendered.exit_code == 2 and "no rendered capture of" in rendered.stderr and "--render" in rendered.stderr
    nothing = run_cli("archive", "export", "--capture", "999", "-o", tmp_path / "n.wacz", "--config", cfg)
    assert nothing.exit_code == 2 and "no capture 999" in nothing.stderr


def test_exporting_from_a_missing_warc_names_the_warc_and_exits_4(site_server, tmp_path):
    cfg = make_config(tmp_path)
    [url] = publish(site_server, 2)[:1]
    fetch_all(cfg, [url])
    [warc] = list((tmp_path / "data" / "warc").glob("*.warc.gz"))
    warc.rename(tmp_path / "elsewhere.warc.gz")
    missing = run_cli("archive", "export", url, "-o", tmp_path / "m.wacz", "--config", cfg)
    assert missing.exit_code == 4, missing.stderr  # it was 2, "cannot write m.wacz"
    assert str(warc) in missing.stderr and "is missing" in missing.stderr and "cannot write" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and not (tmp_path / "m.wacz").exists()


class zipfile_text:
    """The pages.jsonl text of a WACZ, as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> str:
        import zipfile

        with zipfile.ZipFile(self.path) as z:
            return z.read("pages/pages.jsonl").decode()

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_plain_capture_is_exported_after_the_url_was_rendered(site_server, tmp_path):
    import pytest

    from scraper.fetch.browser import RenderSettings, render_unavailable

    if render_unavailable(RenderSettings()) is not None:
        pytest.skip("chromium/playwright not installed")
    cfg = make_config(tmp_path)
    [url] = publish(site_server, 2)[:1]
    plain = json.loads(run_cli("fetch", url, "--config", cfg, "--json").stdout)
    result = run_cli("--config", cfg, "fetch", url, "--render", "--json")
    assert result.exit_code == 0, result.stderr
    rendered = json.loads(result.stdout)
    assert rendered["capture_id"] != plain["capture_id"]
    newest = run_cli("archive", "export", url, "-o", tmp_path / "newest.wacz", "--config", cfg, "--json")
    assert json.loads(newest.stdout)["capture_id"] == rendered["capture_id"]
    chosen = run_cli("archive", "export", url, "--plain", "-o", tmp_path / "plain.wacz", "--config", cfg, "--json")
    assert chosen.exit_code == 0, chosen.stderr
    assert (
        json.loads(chosen.stdout)["capture_id"] == plain["capture_id"]
        and json.loads(chosen.stdout)["rendered"] is False
    )
    assert verify(cfg, str(tmp_path / "plain.wacz"))[0] == 0
    again = run_cli("archive", "export", url, "--rendered", "-o", tmp_path / "r.wacz", "--config", cfg, "--json")
    assert json.loads(again.stdout)["capture_id"] == rendered["capture_id"]
    # reindex restores rendered captures' rows too (the URL asked for from the page-info record, the hops of a redirected one)
    redirected = run_cli("--config", cfg, "fetch", site_server.url("/old"), "--render", "--json")
    assert redirected.exit_code == 0, redirected.stderr
    sqlite_url = f"sqlite:///{tmp_path / 'data' / 'catalogue.sqlite'}"
    before = rows(sqlite_url)
    assert len(hops([c for c in before["captures"] if c[CAPTURE_COLUMNS.index("rendered")]][-1])) == 2
    empty_catalogue(sqlite_url, tmp_path / "data")
    result = run_cli("archive", "reindex", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert rows(sqlite_url) == before


def test_verify_all_names_a_capture_whose_row_was_lost_and_reindex_restores_it(site_server, tmp_path):
    """The file is still listed but one capture's row is gone: `--all` reads every record and says so."""
    import sqlite3

    cfg = make_config(tmp_path)
    data = tmp_path / "data"
    urls = publish(site_server, 3)[:2]
    fetch_all(cfg, urls)
    sqlite_url = f"sqlite:///{data / 'catalogue.sqlite'}"
    before = rows(sqlite_url)["captures"]
    with sqlite3.connect(
        data / "catalogue.sqlite"
    ) as conn:  # foreign keys are off outside the tool: a row lost, as by a bad restore
        conn.execute("DELETE FROM captures WHERE url = ?", (urls[0],))
    [warc] = list((data / "warc").glob("*.warc.gz"))
    code, out = verify(cfg, "--all")
    assert code == 1 and out["problems"] == [{"path": str(warc), "message": out["problems"][0]["message"]}], out
    assert (
        f"1 capture(s) in this file have no catalogue row (the first: {urls[0]} at offset"
        in out["problems"][0]["message"]
    )
    result = run_cli("archive", "reindex", "--no-extract", "--config", cfg)
    assert result.exit_code == 0 and "1 capture(s) added, 1 already catalogued" in result.stdout, (
        result.stdout + result.stderr
    )
    after = rows(sqlite_url)["captures"]
    assert sorted(c[1:] for c in after) == sorted(c[1:] for c in before)  # the same row but for its id
    assert verify(cfg, "--all")[0] == 0
