"""Issue 32: WARC files in S3-compatible object storage (moto in server mode on 127.0.0.1).

A worker appends to its own local WARC, uploads it whole once full (size and SHA-256 checked),
then the catalogue points at the object; verify, export and re-extraction read records from
the object with ranged GETs; the local copy is kept, and a failed upload changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from ..archive.test_snapshots import wacz_validate
from ..conftest import make_config, run_cli
from ..helpers import assert_one_line_error

PAGES = {
    f"/report-{n}.html": f"""<html><head><title>Network report {n}</title></head><body><article>
<h1>We removed network {n} for coordinated inauthentic behaviour</h1>
<p>Published 3 March 2024. Today we removed {10 + n} accounts and {n + 2} pages that originated in Testland
and targeted audiences in Exampleland. The people behind it posed as local news outlets.</p>
</article></body></html>"""
    for n in range(3)
}


def _serve(site_server) -> list[str]:
    for path, body in PAGES.items():
        site_server.set(path, body)
    return [site_server.url(p) for p in PAGES]


def _fetch(config: Path, url: str) -> None:
    result = run_cli("fetch", url, "--config", config, "--json")
    assert result.exit_code == 0, result.stderr


def _rows(data: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        return conn.execute(sql).fetchall()


def test_full_warcs_are_uploaded_whole_and_read_back_from_the_object(site_server, s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    config = make_config(
        tmp_path, s3_server.storage_toml(bucket) + "\n[warc]\nmax_file_bytes = 1\n"
    )  # every capture fills its file
    urls = _serve(site_server)
    for url in urls:
        _fetch(config, url)
    data = tmp_path / "data"
    files = _rows(data, "SELECT path, committed_size FROM warc_files ORDER BY id")
    assert len(files) == 3 and all(p.startswith(f"s3://{bucket}/warc/") for p, _ in files), files
    assert {p for (p,) in _rows(data, "SELECT DISTINCT warc_path FROM captures")} == {p for p, _ in files}
    client = s3_server.client()
    for uri, size in files:
        key = uri.removeprefix(f"s3://{bucket}/")
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        local = data / "warc" / Path(key).name
        assert len(body) == size and local.read_bytes() == body  # uploaded whole; the local copy is kept, byte for byte

    verify = run_cli("archive", "verify", "--all", "--json", "--config", config)
    assert verify.exit_code == 0, verify.stdout + verify.stderr

    aside = tmp_path / "elsewhere"
    (data / "warc").rename(aside)  # this host's copies gone: everything below reads from the bucket
    (data / "warc").mkdir()
    verify = run_cli("archive", "verify", "--all", "--json", "--config", config)
    assert verify.exit_code == 0 and json.loads(verify.stdout)["problems"] == [], verify.stdout + verify.stderr
    wacz = tmp_path / "one.wacz"
    export = run_cli("archive", "export", urls[1], "-o", wacz, "--config", config)
    assert export.exit_code == 0, export.stderr
    assert wacz_validate(wacz).returncode == 0
    with zipfile.ZipFile(wacz) as z:
        assert urls[1] in z.read("pages/pages.jsonl").decode()
    again = run_cli("reextract", "--all", "--config", config)
    assert again.exit_code == 0, again.stderr


def test_a_missing_object_is_a_verify_problem(site_server, s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    config = make_config(tmp_path, s3_server.storage_toml(bucket) + "\n[warc]\nmax_file_bytes = 1\n")
    _fetch(config, _serve(site_server)[0])
    [(uri,)] = _rows(tmp_path / "data", "SELECT path FROM warc_files")
    s3_server.client().delete_object(Bucket=bucket, Key=uri.removeprefix(f"s3://{bucket}/"))
    verify = run_cli("archive", "verify", "--all", "--json", "--config", config)
    assert verify.exit_code != 0
    assert any("missing from object storage" in p["message"] for p in json.loads(verify.stdout)["problems"]), (
        verify.stdout
    )


def test_a_failed_upload_leaves_the_file_local_and_archive_upload_retries_it(site_server, s3_server, tmp_path):
    bucket = "not-created-yet"  # every upload fails until the bucket exists
    config = make_config(tmp_path, s3_server.storage_toml(bucket) + "\n[warc]\nmax_file_bytes = 1\n")
    urls = _serve(site_server)
    _fetch(config, urls[0])
    data = tmp_path / "data"
    [(path,)] = _rows(data, "SELECT path FROM warc_files")
    assert path.startswith("warc/") and (data / path).exists()
    assert _rows(data, "SELECT warc_path FROM captures") == [(path,)]
    assert run_cli("archive", "verify", "--all", "--config", config).exit_code == 0
    s3_server.client().create_bucket(Bucket=bucket)
    uploaded = run_cli("archive", "upload", "--json", "--config", config)
    assert uploaded.exit_code == 0, uploaded.stderr
    assert len(json.loads(uploaded.stdout)["uploaded"]) == 1
    assert _rows(data, "SELECT warc_path FROM captures") == [(f"s3://{bucket}/warc/{Path(path).name}",)]
    assert (
        json.loads(run_cli("archive", "upload", "--json", "--config", config).stdout)["uploaded"] == []
    )  # nothing left to upload
    assert (data / path).exists()  # kept
    _fetch(config, urls[1])  # an uploaded file is sealed: the next capture starts a new file
    assert len(_rows(data, "SELECT path FROM warc_files")) == 2


def test_archive_upload_seals_the_current_file(site_server, s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    config = make_config(tmp_path, s3_server.storage_toml(bucket))  # the default size: the file is not full
    urls = _serve(site_server)
    _fetch(config, urls[0])
    _fetch(config, urls[1])
    data = tmp_path / "data"
    [(path,)] = _rows(data, "SELECT path FROM warc_files")
    assert path.startswith("warc/")
    assert run_cli("archive", "upload", "--config", config).exit_code == 0
    [(uri,)] = _rows(data, "SELECT path FROM warc_files")
    assert uri.startswith("s3://")
    _fetch(config, urls[2])
    assert [p[:5] for (p,) in _rows(data, "SELECT path FROM warc_files ORDER BY id")] == ["s3://", "warc/"]
    assert run_cli("archive", "verify", "--all", "--config", config).exit_code == 0


def test_storage_settings_are_checked(tmp_path):
    no_bucket = make_config(tmp_path / "a", '\n[storage]\nkind = "s3"\n')
    assert_one_line_error(run_cli("captures", "--config", no_bucket), "bucket")
    wrong_kind = make_config(tmp_path / "b", '\n[storage]\nkind = "ftp"\n')
    assert_one_line_error(run_cli("captures", "--config", wrong_kind), "kind")
    local = make_config(tmp_path / "c")
    assert_one_line_error(run_cli("archive", "upload", "--config", local), "local")
