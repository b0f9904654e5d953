"""`takedowns demo`: bundled sites on 127.0.0.1, one daemon pass, a status table; no internet."""

from __future__ import annotations

import json
import subprocess
import sys

from .harness import ENV, TAKEDOWNS


def test_demo_leaves_captures_reports_and_a_status_table(tmp_path):
    demo_dir = tmp_path / "demo"
    proc = subprocess.run([*TAKEDOWNS, "demo", "--dir", str(demo_dir), "--seconds", "60"], capture_output=True, text=True, timeout=90, env=ENV, cwd=tmp_path)
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
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    status = subprocess.run([*TAKEDOWNS, "--config", str(demo_dir / "config.toml"), "status", "--json"], capture_output=True, text=True, env=ENV, timeout=60)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["totals"]["captures"] >= 3 and report["totals"]["reports"] >= 3
    assert report["totals"]["stubs"].get("new", 0) >= 1 and report["totals"]["warc_files"] >= 1
    assert (demo_dir / "data" / "stubs.atom").is_file()
    assert {s["name"] for s in report["sources"] if s["last_success_at"]} == {"demo-meta-newsroom", "demo-dfrlab", "demo-wire"}
