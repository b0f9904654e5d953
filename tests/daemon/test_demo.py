"""`takedowns demo`: bundled sites on 127.0.0.1, one daemon pass, a status table; no internet."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

from .harness import ENV, TAKEDOWNS


def test_demo_leaves_captures_reports_and_a_status_table(tmp_path):
    demo_dir = tmp_path / "demo"
    proc = subprocess.run(
        [*TAKEDOWNS, "demo", "--dir", str(demo_dir), "--seconds", "60"],
        capture_output=True,
        text=True,
        timeout=90,
        env=ENV,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for name in ("demo-meta-newsroom", "demo-dfrlab", "demo-wire"):
        assert name in out
    assert "FAILING" not in out and "never ran" not in out
    assert f"config:     {demo_dir / 'config.toml'}" in out
    config = (demo_dir / "config.toml").read_text()
    assert "allow_private_networks = true" in config and "http://127.0.0.1:" in config
    warcs = list((demo_dir / "data" / "warc").glob("*.warc.gz"))
    assert warcs
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    status = subprocess.run(
        [*TAKEDOWNS, "--config", str(demo_dir / "config.toml"), "status", "--json"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["totals"]["captures"] >= 3 and report["totals"]["reports"] >= 3
    assert report["totals"]["stubs"].get("new", 0) >= 1 and report["totals"]["warc_files"] >= 1
    assert (demo_dir / "data" / "stubs.atom").is_file()
    assert {s["name"] for s in report["sources"] if s["last_success_at"]} == {
        "demo-meta-newsroom",
        "demo-dfrlab",
        "demo-wire",
    }


def test_demo_ends_saying_how_to_open_its_desk_and_that_command_serves_it(tmp_path):
    demo_dir = tmp_path / "demo"
    proc = subprocess.run(
        [*TAKEDOWNS, "demo", "--dir", str(demo_dir), "--seconds", "60"],
        capture_output=True,
        text=True,
        timeout=90,
        env=ENV,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    tail = proc.stdout.splitlines()[-3:]
    command = f"takedowns --config {demo_dir / 'config.toml'} serve"
    assert tail[1].strip() == command and tail[2].strip() == "then open http://127.0.0.1:8765/ in a browser"
    # the printed command, on a free port: the desk answers with the demo's stubs
    desk = subprocess.Popen(
        [*TAKEDOWNS, *command.split()[1:], "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=tmp_path,
    )
    try:
        assert desk.stdout is not None
        text = ""
        for line in desk.stdout:  # print_json indents: read until the object is whole
            text += line
            if line.startswith("}"):
                break
        url = json.loads(text)["serving"]
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and "TA-00001" in page.read().decode()
    finally:
        desk.terminate()
        desk.wait(timeout=30)
