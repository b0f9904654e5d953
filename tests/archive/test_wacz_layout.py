"""wacz/ is sharded by capture id; a package stored at the flat path of older data dirs still serves and moves on rebuild."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from collections import Counter

from archive.wacz import SHARD_SIZE, wacz_rel_path

from ..conftest import run_cli
from .test_snapshots import fetch, wacz_validate


def test_shards_hold_a_bounded_number_of_packages():
    assert wacz_rel_path(1) == "wacz/00000/capture-00000001.wacz"
    assert wacz_rel_path(SHARD_SIZE - 1).startswith("wacz/00000/")
    assert wacz_rel_path(SHARD_SIZE) == f"wacz/00001/capture-{SHARD_SIZE:08d}.wacz"
    per_shard = Counter(wacz_rel_path(i).rsplit("/", 1)[0] for i in range(1, 100_001))
    assert len(per_shard) == 101 and max(per_shard.values()) == SHARD_SIZE


def test_a_flat_wacz_from_before_sharding_verifies_exports_and_moves_on_rebuild(site_server, config_path, tmp_path):
    fetch(site_server, config_path)
    data = config_path.parent / "data"
    sharded = data / "wacz" / "00000" / "capture-00000001.wacz"
    flat = data / "wacz" / "capture-00000001.wacz"
    assert sharded.exists()
    sharded.rename(flat)  # as an older version laid it out
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        conn.execute("UPDATE wacz_files SET path = 'wacz/capture-00000001.wacz'")
    check = run_cli("archive", "verify", "--all", "--config", config_path)
    assert check.exit_code == 0, check.stdout + check.stderr
    url = site_server.url("/article/554018908.html")
    target = tmp_path / "old.wacz"
    exported = run_cli("archive", "export", url, "-o", target, "--config", config_path)
    assert exported.exit_code == 0, exported.stderr
    assert target.read_bytes() == flat.read_bytes()  # served from where the catalogue says
    flat.unlink()  # lost: export rebuilds it, now in its shard
    exported = run_cli("archive", "export", url, "-o", target, "--config", config_path)
    assert exported.exit_code == 0, exported.stderr
    assert sharded.exists() and not flat.exists()
    assert wacz_validate(sharded).returncode == 0
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        assert conn.execute("SELECT path FROM wacz_files").fetchall() == [("wacz/00000/capture-00000001.wacz",)]
    check = run_cli("archive", "verify", "--all", "--config", config_path)
    assert check.exit_code == 0, check.stdout + check.stderr


def test_rebuilding_a_capture_wacz_gives_the_same_bytes(site_server, config_path, tmp_path):
    """A reproducible build: zip member times and the package's `created` are the capture's date, the metadata record id comes from its content."""
    fetch(site_server, config_path)
    data = config_path.parent / "data"
    stored = data / "wacz" / "00000" / "capture-00000001.wacz"
    first = stored.read_bytes()
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        [(warc_date, recorded)] = conn.execute("SELECT c.warc_date, w.sha256 FROM captures c JOIN wacz_files w ON w.capture_id = c.id").fetchall()
    stored.unlink()
    url = site_server.url("/article/554018908.html")
    exported = run_cli("archive", "export", url, "-o", tmp_path / "again.wacz", "--config", config_path)
    assert exported.exit_code == 0, exported.stderr
    assert stored.read_bytes() == first == (tmp_path / "again.wacz").read_bytes()
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        assert conn.execute("SELECT sha256 FROM wacz_files").fetchall() == [(recorded,)]
    with zipfile.ZipFile(stored) as z:
        year, month, day, hour, minute, second = (int(x) for x in re.findall(r"\d+", warc_date)[:6])
        assert {info.date_time for info in z.infolist()} == {(year, month, day, hour, minute, second // 2 * 2)}  # zip keeps even seconds
        package = json.loads(z.read("datapackage.json"))
        assert package["created"] == package["mainPageDate"] == warc_date
    assert wacz_validate(stored).returncode == 0
