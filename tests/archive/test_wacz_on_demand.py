"""A capture's WACZ is built from its WARC records when asked for, the same bytes every time; nothing under wacz/."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile

from ..conftest import run_cli
from .test_snapshots import export, fetch, wacz_validate


def test_rebuilding_a_capture_wacz_gives_the_same_bytes(site_server, config_path, tmp_path):
    """A reproducible build: zip member times and the package's `created` are the capture's date, the metadata record id comes from its content."""
    fetch(site_server, config_path)
    data = config_path.parent / "data"
    url = site_server.url("/article/554018908.html")
    first = export(config_path, url, tmp_path / "first.wacz").read_bytes()
    fetch_again = run_cli("captures", "--config", config_path)  # another command in between: nothing cached anywhere
    assert fetch_again.exit_code == 0
    again = export(config_path, url, tmp_path / "again.wacz")
    assert again.read_bytes() == first
    assert not (data / "wacz").exists()  # the data dir keeps the WARC only
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        [(warc_date,)] = conn.execute("SELECT warc_date FROM captures").fetchall()
    with zipfile.ZipFile(again) as z:
        year, month, day, hour, minute, second = (int(x) for x in re.findall(r"\d+", warc_date)[:6])
        assert {info.date_time for info in z.infolist()} == {
            (year, month, day, hour, minute, second // 2 * 2)
        }  # zip keeps even seconds
        package = json.loads(z.read("datapackage.json"))
        assert package["created"] == package["mainPageDate"] == warc_date
    assert wacz_validate(again).returncode == 0


def test_verify_packages_builds_and_validates_each_capture_wacz(site_server, config_path):
    fetch(site_server, config_path)
    result = run_cli("archive", "verify", "--all", "--packages", "--json", "--config", config_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["problems"] == []
    data = config_path.parent / "data"
    with sqlite3.connect(data / "catalogue.sqlite") as conn:
        conn.execute("UPDATE captures SET warc_offset = warc_offset + 7")  # a pointer into the middle of a record
    broken = run_cli("archive", "verify", "--all", "--packages", "--json", "--config", config_path)
    assert broken.exit_code != 0
    messages = [p["message"] for p in json.loads(broken.stdout)["problems"]]
    assert any("WACZ of capture 1" in m for m in messages), messages
