"""`archive verify`: incremental by default (only changed files), `--all` in parallel, missing files, references."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from ..conftest import run_cli
from .test_snapshots import fetch


def verify_json(config_path: Path, *args: str) -> tuple[int, dict]:
    result = run_cli("archive", "verify", *args, "--config", config_path, "--json")
    return result.exit_code, json.loads(result.stdout)


def data(config_path: Path) -> Path:
    return config_path.parent / "data"


def db(config_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(data(config_path) / "catalogue.sqlite")


def test_second_verify_checks_nothing_and_records_each_file(site_server, config_path):
    fetch(site_server, config_path)
    code, first = verify_json(config_path)
    assert code == 0 and first["problems"] == []
    stored = sorted(str(p) for p in data(config_path).rglob("*.warc.gz"))
    assert sorted(first["checked"]) == stored and len(stored) >= 1 and not list(data(config_path).rglob("*.wacz"))
    with db(config_path) as conn:
        rows = {path: (size, ok) for path, size, ok in conn.execute("SELECT path, size, ok FROM verified_files")}
    assert {str(data(config_path) / p) for p in rows} == set(stored)
    assert all(ok and size == os.path.getsize(data(config_path) / p) for p, (size, ok) in rows.items())
    code, second = verify_json(config_path)
    assert code == 0 and second["checked"] == [] and second["unchanged"] == len(stored)


def test_only_a_touched_file_is_checked_again(site_server, config_path):
    fetch(site_server, config_path)
    assert verify_json(config_path)[0] == 0
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    assert verify_json(config_path)[1]["checked"] == []
    st = warc.stat()
    os.utime(warc, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    code, out = verify_json(config_path)
    assert code == 0 and out["checked"] == [str(warc)]


def test_a_corrupted_file_alone_is_rechecked_and_reported_until_fixed(site_server, config_path):
    fetch(site_server, config_path)
    assert verify_json(config_path)[0] == 0
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    good = warc.read_bytes()
    broken = bytearray(good)
    broken[len(broken) // 2 : len(broken) // 2 + 40] = bytes(40)
    warc.write_bytes(bytes(broken))
    result = run_cli("archive", "verify", "--config", config_path)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("BROKEN")]
    assert lines and all(line.startswith(f"BROKEN {warc}") for line in lines)
    assert "\\x" not in result.stderr and all(ch.isprintable() for line in lines for ch in line)
    assert "checked 1 file(s)" in result.stdout
    again = run_cli("archive", "verify", "--config", config_path)  # a failed file is not taken as verified
    assert again.exit_code != 0 and f"BROKEN {warc}" in again.stderr
    warc.write_bytes(good)
    assert verify_json(config_path)[0] == 0


def test_all_rechecks_everything(site_server, config_path):
    fetch(site_server, config_path)
    code, first = verify_json(config_path)
    code, again = verify_json(config_path, "--all", "--jobs", "2")
    assert code == 0 and sorted(again["checked"]) == sorted(first["checked"]) and again["unchanged"] == 0


def test_a_garbage_warc_gets_a_one_line_reason(site_server, config_path):
    fetch(site_server, config_path)
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    warc.write_bytes(b"\x00\x01\xffnot a warc at all\n\x02" * 50)
    result = run_cli("archive", "verify", "--config", config_path)
    assert result.exit_code != 0
    [line] = [line for line in result.stderr.splitlines() if line.startswith(f"BROKEN {warc}: unreadable")]
    assert len(line) < 400 and all(ch.isprintable() for ch in line) and "not a warc at all" not in line


def test_a_deleted_warc_fails_verify_with_what_to_do(site_server, config_path):
    fetch(site_server, config_path)
    assert verify_json(config_path)[0] == 0
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    warc.unlink()
    result = run_cli("archive", "verify", "--config", config_path)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("BROKEN")]
    assert any(str(warc) in line and "missing" in line and "restore it from a backup" in line for line in lines), lines


def test_a_stub_reference_the_wacz_index_cannot_resolve_is_reported(site_server, config_path):
    fetch(site_server, config_path)
    with db(config_path) as conn:
        [(capture_id, url)] = conn.execute("SELECT id, url FROM captures").fetchall()
        if not conn.execute("SELECT 1 FROM stub_references").fetchall():
            conn.execute(
                "INSERT INTO stubs (stub_id, status, name, summary, incident_type, year_started, origin, created_at, updated_at)"
                " VALUES ('TA-09999', 'new', 'n', '', 'incident', '', '', '2026-01-01', '2026-01-01')"
            )
            conn.execute(
                "INSERT INTO stub_references (stub_pk, url, normalised_url, capture_id, added_at)"
                " VALUES ((SELECT id FROM stubs WHERE stub_id='TA-09999'), ?, ?, ?, '2026-01-01')",
                (url, url, capture_id),
            )
    code, ok = verify_json(config_path, "--all")
    assert code == 0, ok["problems"]
    with db(config_path) as conn:
        conn.execute("UPDATE stub_references SET url = 'http://127.0.0.1:9/never-captured.html'")
    code, bad = verify_json(config_path, "--all")
    assert code != 0
    [problem] = bad["problems"]
    assert problem["path"].endswith(".warc.gz") and "never-captured.html" in problem["message"]


def test_an_appended_warc_is_read_from_where_the_last_verify_ended(site_server, config_path):
    """WARCs only grow: after a new capture, verify reads the new records (cheap on a 1 GiB file); --all reads it whole."""
    fetch(site_server, config_path)
    assert verify_json(config_path)[0] == 0
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    verified_size = warc.stat().st_size
    damaged = bytearray(warc.read_bytes())
    damaged[verified_size // 2 : verified_size // 2 + 40] = bytes(40)  # inside what the last verify passed
    warc.write_bytes(bytes(damaged))
    site_server.set(
        "/second.html",
        "<html><head><title>Second</title></head><body><article><h1>Second</h1>"
        "<p>We removed 31 accounts for coordinated inauthentic behavior in this second report.</p></article></body></html>",
    )
    result = run_cli("fetch", site_server.url("/second.html"), "--config", config_path)
    assert result.exit_code == 0, result.stderr
    assert warc.stat().st_size > verified_size  # appended to the same file
    code, out = verify_json(config_path)
    assert code == 0 and out["checked"] == [str(warc)]  # only the appended records were read
    code, out = verify_json(config_path, "--all")
    assert code != 0 and any(p["path"] == str(warc) for p in out["problems"])  # a whole read finds the old damage
    with db(config_path) as conn:
        [(ok,)] = conn.execute("SELECT ok FROM verified_files").fetchall()
    assert not ok


def test_a_torn_tail_past_the_committed_size_passes_and_the_next_append_moves_it_aside(site_server, config_path):
    """A writer killed mid-append leaves bytes past the file's committed size: not part of the archive
    (no capture points there, no whole capture is in them), so verify passes; the next append never
    writes after them: it moves them into quarantine (issue 26: it used to cut them away) and appends
    at the committed size. A file shorter than its committed size lost records: that fails."""
    fetch(site_server, config_path)
    [warc] = list(data(config_path).rglob("*.warc.gz"))
    committed = warc.stat().st_size
    with open(warc, "ab") as f:
        f.write(b"\x1f\x8b\x08\x00torn-record")  # half a gzip member
    code, out = verify_json(config_path)
    assert code == 0 and out["problems"] == [] and out["checked"] == [str(warc)]
    with db(config_path) as conn:
        assert conn.execute("SELECT size FROM verified_files").fetchall() == [(committed,)]  # what was verified
    site_server.set(
        "/second.html",
        "<html><head><title>Second</title></head><body><article><h1>Second</h1>"
        "<p>We removed 31 accounts for coordinated inauthentic behavior in this second report.</p></article></body></html>",
    )
    result = run_cli("fetch", site_server.url("/second.html"), "--config", config_path)
    assert result.exit_code == 0, result.stderr
    [aside] = list((data(config_path) / "quarantine").glob("*.warc.gz"))
    assert aside.read_bytes() == b"\x1f\x8b\x08\x00torn-record" and "past its committed size" in result.stderr
    code, out = verify_json(config_path)
    assert code == 0 and out["problems"] == [] and out["checked"] == [str(warc)]
    assert verify_json(config_path, "--all")[0] == 0
    with open(warc, "r+b") as f:
        f.truncate(warc.stat().st_size - 10)
    code, out = verify_json(config_path)
    assert code != 0 and any("shorter than the catalogue's committed size" in p["message"] for p in out["problems"]), (
        out
    )


def test_a_record_longer_than_its_content_length_is_a_printable_reason(tmp_path, capfd):
    """warcio reports such a record by writing its raw bytes to stderr; verify gives a reason instead."""
    import io as _io

    from warcio.warcwriter import WARCWriter

    from archive.verify import check_warc

    out = _io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(
        writer.create_warc_record(
            "urn:x",
            "resource",
            payload=_io.BytesIO(b"\xae\x95 some bytes \xff\x00 of a block"),
            warc_content_type="application/octet-stream",
        )
    )
    raw = out.getvalue()
    length = int(raw.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    damaged = raw.replace(f"Content-Length: {length}\r\n".encode(), f"Content-Length: {length - 9}\r\n".encode())
    path = tmp_path / "damaged.warc"
    path.write_bytes(damaged)
    problems = check_warc(path)
    assert any("is not followed by its blank line" in p for p in problems), problems
    assert all(ch.isprintable() for p in problems for ch in p)
    assert capfd.readouterr().err == ""
