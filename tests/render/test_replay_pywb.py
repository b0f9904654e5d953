"""Captures replay in pywb: plain, brotli-encoded, redirected, rendered, and rendered after redirects.

Each kind is fetched from loopback servers, exported as a WACZ and added to one pywb
collection; the publishers are shut down before replay, so everything shown comes
from the archive. A browser then loads each capture from pywb and reads its text.

pywb runs from its own virtualenv (`make pywb`: `.venv-pywb`), not the project's: it pins
brotlipy, whose `brotli` package shadows the Brotli module the project's decoder streams with.
Its warcio decodes br only through `brotlicffi`, which `make pywb` installs there too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
import pytest

from scraper.fetch.browser import RenderSettings, render_unavailable

from ..conftest import REPO, SiteServer, make_config, run_cli

PYWB_BIN = Path(os.environ.get("TAKEDOWNS_PYWB_BIN", REPO / ".venv-pywb" / "bin"))

pytestmark = [
    pytest.mark.skipif(render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"),
    pytest.mark.skipif(
        not (PYWB_BIN / "wayback").exists(), reason=f"pywb not installed in {PYWB_BIN}: run `make pywb`"
    ),
]

SENTENCES = {
    "plain": "Plain replay: we removed 12 Facebook accounts linked to a marketing firm.",
    "brotli": "Brotli replay: we removed 31 Instagram accounts that posed as fans of a football club.",
    "redirected": "Redirected replay: we removed 9 Pages that moved between two hosts.",
    "rendered": "Replayed: we removed 58 Facebook accounts and 6 Pages run from a troll farm.",
    "rendered_redirected": "Rendered after a redirect: we removed 17 Groups that shared one administrator.",
}
STATIC = """<html><head><title>%s</title></head><body><article><h1>%s</h1><p id="text">%s</p></article></body></html>"""
SCRIPTED = """<html><head><title>Replay me</title></head><body><article id="a"><h1>Replay me</h1></article>
<img id="logo" src="%s">
<script>const p = document.createElement('p'); p.id = 'text'; p.textContent = %s;
document.getElementById('a').appendChild(p);</script></body></html>"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@dataclass
class Case:
    asked: str  # the URL fetched (and replayed)
    final: str  # the page it ends at
    render: bool
    error: str = ""  # why it could not be fetched or exported (each test reports its own)


@dataclass
class Replay:
    port: int
    cases: dict[str, Case]
    logo: str

    def url(self, target: str, modifier: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/takedowns/{modifier + '/' if modifier else ''}{target}"


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


def _publish(site: SiteServer, cdn: SiteServer) -> dict[str, Case]:
    """Serve one page of each kind; the redirected ones go from `cdn`'s host to `site`'s and back to relative paths."""
    cdn.set("/logo.png", PNG_1PX, content_type="image/png")
    site.set("/plain", STATIC % ("Plain", "Plain", SENTENCES["plain"]))
    site.set(
        "/brotli", brotli.compress((STATIC % ("Brotli", "Brotli", SENTENCES["brotli"])).encode()), Content_Encoding="br"
    )
    cdn.set("/old", "", status=301, Location=site.url("/moved"))
    site.set("/moved", "", status=302, Location="/redirected")
    site.set("/redirected", STATIC % ("Redirected", "Redirected", SENTENCES["redirected"]))
    site.set("/rendered", SCRIPTED % (cdn.url("/logo.png"), json.dumps(SENTENCES["rendered"])))
    cdn.set("/r-old", "", status=308, Location=site.url("/r-moved"))
    site.set("/r-moved", "", status=303, Location="r-final")
    site.set("/img/logo", "", status=307, Location=cdn.url("/logo.png"))  # the rendered page's image, behind a redirect
    site.set("/r-final", SCRIPTED % ("img/logo", json.dumps(SENTENCES["rendered_redirected"])))
    return {
        "plain": Case(site.url("/plain"), site.url("/plain"), False),
        "brotli": Case(site.url("/brotli"), site.url("/brotli"), False),
        "redirected": Case(cdn.url("/old"), site.url("/redirected"), False),
        "rendered": Case(site.url("/rendered"), site.url("/rendered"), True),
        "rendered_redirected": Case(cdn.url("/r-old"), site.url("/r-final"), True),
    }


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    tmp = tmp_path_factory.mktemp("replay")
    cfg = make_config(tmp / "c", "\n[render]\nsettle_seconds = 0.0\n")
    root = tmp / "pywb"
    root.mkdir()
    (root / "config.yaml").write_text("framed_replay: false\n")
    done = subprocess.run(
        [str(PYWB_BIN / "wb-manager"), "init", "takedowns"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with SiteServer(tmp / "site") as site, SiteServer(tmp / "cdn") as cdn:
        cases = _publish(site, cdn)
        logo = cdn.url("/logo.png")
        for name, case in cases.items():
            fetched = run_cli("--config", cfg, "fetch", case.asked, "--json", *(["--render"] if case.render else []))
            if fetched.exit_code != 0:
                case.error = f"fetch {case.asked} exited {fetched.exit_code}: {fetched.stderr}"
                continue
            wacz = tmp / f"{name}.wacz"
            exported = run_cli("--config", cfg, "archive", "export", case.asked, "-o", str(wacz))
            if exported.exit_code != 0:
                case.error = f"export {case.asked} exited {exported.exit_code}: {exported.stderr}"
                continue
            added = subprocess.run(
                [str(PYWB_BIN / "wb-manager"), "add", "--unpack-wacz", "takedowns", str(wacz)],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert added.returncode == 0, added.stdout + added.stderr
    # The publishers are gone from here on.
    port = _free_port()
    log = root / "wayback.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_listening(port, proc, log)
        yield Replay(port, cases, logo)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=RenderSettings().chromium, args=["--no-sandbox"], headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Shown:
    text: str  # the page's #text paragraph
    url: str  # where the browser ended up
    statuses: dict[str, int]  # first status seen for each URL the page loaded
    page: Any


@contextmanager
def _show(replay: Replay, browser: Any, name: str) -> Iterator[Shown]:
    """Load capture `name` from pywb in a new page of the browser."""
    case = replay.cases[name]
    assert not case.error, case.error
    page = browser.new_page()
    try:
        statuses: dict[str, int] = {}
        page.on("response", lambda r: statuses.setdefault(r.url, r.status))
        page.goto(replay.url(case.asked), wait_until="load", timeout=60_000)
        # A scripted page builds #text after load; a static one has it on load.
        shown = page.wait_for_selector("#text", timeout=30_000) if case.render else page.query_selector("#text")
        assert shown is not None, f"no #text in what pywb served for {case.asked}: {page.content()[:300]!r}"
        yield Shown(shown.inner_text(), page.url, statuses, page)
    finally:
        page.close()


def test_a_plain_capture_replays(replay: Replay, browser: Any) -> None:
    with _show(replay, browser, "plain") as shown:
        assert shown.text == SENTENCES["plain"]
        assert shown.statuses[replay.url(replay.cases["plain"].asked)] == 200


def test_a_brotli_capture_replays_decoded(replay: Replay, browser: Any) -> None:
    case = replay.cases["brotli"]
    with _show(replay, browser, "brotli") as shown:
        assert shown.text == SENTENCES["brotli"]
    # pywb rewrites the page, so it must decode it: what it serves is the text, whatever the client accepts.
    request = urllib.request.Request(replay.url(case.asked), headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.headers.get("Content-Encoding") in (None, "identity")
        assert SENTENCES["brotli"].encode() in answer.read()


def test_a_redirected_capture_replays_through_its_hops(replay: Replay, browser: Any) -> None:
    case = replay.cases["redirected"]
    with _show(replay, browser, "redirected") as shown:
        assert shown.text == SENTENCES["redirected"]
        assert shown.url.endswith("/" + case.final)  # pywb followed the stored 301 and 302 to the page
        hops = [status for url, status in shown.statuses.items() if url.endswith(("/" + case.asked, "/moved"))]
        assert sorted(hops) == [301, 302]


def test_a_rendered_capture_replays_with_the_script_built_text_and_its_subresource(
    replay: Replay, browser: Any
) -> None:
    with _show(replay, browser, "rendered") as shown:
        assert shown.text == SENTENCES["rendered"]
        assert (
            shown.page.evaluate("document.getElementById('logo').naturalWidth") == 1
        )  # the subresource, from the archive
        replayed_logo = [u for u in shown.statuses if u.endswith(replay.logo)]
        assert replayed_logo and all(shown.statuses[u] == 200 for u in replayed_logo)
        assert all(u.startswith(f"http://127.0.0.1:{replay.port}/") for u in replayed_logo)


def test_a_rendered_capture_reached_by_redirects_replays_from_the_url_asked_for(replay: Replay, browser: Any) -> None:
    case = replay.cases["rendered_redirected"]
    with _show(replay, browser, "rendered_redirected") as shown:
        assert shown.text == SENTENCES["rendered_redirected"]
        assert shown.url.endswith("/" + case.final)
        assert sorted(s for u, s in shown.statuses.items() if u.endswith(("/" + case.asked, "/r-moved"))) == [303, 308]
        assert (
            shown.page.evaluate("document.getElementById('logo').naturalWidth") == 1
        )  # its image, through the stored 307
        assert any(u.endswith("/img/logo") and s == 307 for u, s in shown.statuses.items())
