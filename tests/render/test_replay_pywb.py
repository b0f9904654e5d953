"""A rendered capture's WACZ replays in pywb, with the text the page's script builds.

pywb runs from its own virtualenv (`make pywb`: `.venv-pywb`), not the project's: it pins
brotlipy, whose `brotli` package shadows the Brotli module the project's decoder streams with.
The publisher is shut down before replay, so everything shown comes from the archive.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from scraper.fetch.browser import RenderSettings, render_unavailable

from ..conftest import REPO, SiteServer, make_config, run_cli

PYWB_BIN = Path(os.environ.get("TAKEDOWNS_PYWB_BIN", REPO / ".venv-pywb" / "bin"))

pytestmark = [
    pytest.mark.skipif(render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"),
    pytest.mark.skipif(not (PYWB_BIN / "wayback").exists(), reason=f"pywb not installed in {PYWB_BIN}: run `make pywb`"),
]

SENTENCE = "Replayed: we removed 58 Facebook accounts and 6 Pages run from a troll farm."
PAGE = """<html><head><title>Replay me</title></head><body><article id="a"><h1>Replay me</h1></article>
<img id="logo" src="%s">
<script>const p = document.createElement('p'); p.id = 'built'; p.textContent = %s;
document.getElementById('a').appendChild(p);</script></body></html>"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"pywb exited with {proc.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"pywb did not listen on {port} within {timeout}s:\n{log.read_text()}")


def test_rendered_wacz_replays_in_pywb_with_the_script_built_text(tmp_path: Path) -> None:
    cfg = make_config(tmp_path / "c", "\n[render]\nsettle_seconds = 0.0\n")
    with SiteServer(tmp_path / "s") as site, SiteServer(tmp_path / "cdn") as cdn:
        cdn.set("/logo.png", PNG_1PX, content_type="image/png")
        url = site.url("/report")
        site.set("/report", PAGE % (cdn.url("/logo.png"), json.dumps(SENTENCE)))
        fetched = run_cli("--config", cfg, "fetch", url, "--render", "--json")
        assert fetched.exit_code == 0, fetched.output + fetched.stderr
        logo = cdn.url("/logo.png")
    # The publisher is gone from here on.
    wacz = tmp_path / "report.wacz"
    exported = run_cli("--config", cfg, "archive", "export", url, "-o", str(wacz))
    assert exported.exit_code == 0, exported.output + exported.stderr

    root = tmp_path / "pywb"
    root.mkdir()
    (root / "config.yaml").write_text("framed_replay: false\n")
    for args in (("init", "takedowns"), ("add", "--unpack-wacz", "takedowns", str(wacz))):
        done = subprocess.run([str(PYWB_BIN / "wb-manager"), *args], cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    log = root / "wayback.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, proc, log)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=RenderSettings().chromium, args=["--no-sandbox"], headless=True)
            try:
                page = browser.new_page()
                statuses: dict[str, int] = {}
                page.on("response", lambda r: statuses.setdefault(r.url, r.status))
                page.goto(f"http://127.0.0.1:{port}/takedowns/{url}", wait_until="load", timeout=60_000)
                built = page.wait_for_selector("#built", timeout=30_000)
                assert built is not None and built.inner_text() == SENTENCE
                assert page.evaluate("document.getElementById('logo').naturalWidth") == 1  # the subresource, from the archive
                replayed_logo = [u for u in statuses if u.endswith(logo)]
                assert replayed_logo and all(statuses[u] == 200 for u in replayed_logo) and all(u.startswith(f"http://127.0.0.1:{port}/") for u in replayed_logo)
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
