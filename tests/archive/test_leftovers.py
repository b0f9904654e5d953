"""WACZ build folders left by a killed process are removed at the next start; live ones are kept."""

from __future__ import annotations

import os
import subprocess
import sys

from ..conftest import make_config, run_cli


def test_dead_build_folders_go_live_ones_stay(site_server, tmp_path):
    cfg = make_config(tmp_path)
    wacz = tmp_path / "data" / "wacz"
    wacz.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    killed = wacz / f".wacz-{dead.stdout.strip()}-k1ll3d"  # its process has exited
    legacy = wacz / ".wacz-abc123"  # named before build folders carried a pid
    live = wacz / f".wacz-{os.getpid()}-busy"  # a build in progress in a live process
    for folder in (killed, legacy, live):
        folder.mkdir()
        (folder / "data.warc.gz").write_bytes(b"partial")
    result = run_cli("fetch", site_server.url("/newsroom/news/2021/10/september-2021-coordinated-inauthentic-behavior-report/"), "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert not killed.exists() and not legacy.exists()
    assert live.exists()
    assert [p.relative_to(wacz).as_posix() for p in wacz.rglob("*.wacz")] == ["00000/capture-00000001.wacz"]
