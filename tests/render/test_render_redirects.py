"""`fetch --render` follows redirects (issue 26, item 4): every hop checked like a plain fetch's and kept in the WARC.

Playwright calls a route handler only for the first URL of a redirect chain and lets
Chromium fetch the rest itself, which the browser cannot (it resolves no name): so
the page's own hops are navigated to one by one, and a subresource's hops are
followed by the project's client. These tests use two loopback servers.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.config import load_config
from scraper.errors import FetchError
from scraper.fetch import safety
from scraper.fetch.browser import BrowserPool, Rendered, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient

from ..conftest import SiteServer, make_config, run_cli
from ..helpers import assert_one_line_error

pytestmark = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)

SENTENCE = (
    "After the move we removed 23 Facebook accounts and 4 Instagram accounts for coordinated inauthentic behavior."
)
PAGE = """<html lang="en"><head><title>Moved takedown</title></head>
<body><article id="a"><h1>Moved takedown</h1></article>
<img id="logo" src="img/logo">
<script>
const p = document.createElement('p');
p.textContent = %s + ' The network posed as independent news outlets and shared the same administrators.';
document.getElementById('a').appendChild(p);
</script></body></html>"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _responses(warc_dir: Path) -> tuple[dict[str, tuple[str, str | None]], set[str], dict]:
    """Response records (URI -> status, Location), the URIs of request records, and the page info."""
    responses: dict[str, tuple[str, str | None]] = {}
    requests: set[str] = set()
    info: dict = {}
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as f:
            for r in ArchiveIterator(f):
                uri = r.rec_headers.get_header("WARC-Target-URI") or ""
                if r.rec_type == "response":
                    responses[uri] = (r.http_headers.get_statuscode(), r.http_headers.get_header("Location"))
                elif r.rec_type == "request":
                    requests.add(uri)
                elif uri.startswith("urn:pageinfo:"):
                    info = json.loads(r.content_stream().read())
    return responses, requests, info


def test_every_redirect_kind_relative_and_absolute_across_two_hosts(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "one") as one, SiteServer(tmp_path / "two") as two:
        asked = one.url("/old")
        hops = [  # (URL, status, Location as sent)
            (asked, 301, f"http://localhost:{two.port}/a"),  # absolute, to another host and port
            (f"http://localhost:{two.port}/a", 302, "/b"),  # relative to the host
            (f"http://localhost:{two.port}/b", 303, "c"),  # relative to the path
            (f"http://localhost:{two.port}/c", 307, one.url("/d")),  # absolute, back to the first server
            (one.url("/d"), 308, two.url("/report")),
        ]
        for url, status, location in hops:
            server = one if urlsplit(url).port == one.port else two
            server.set(urlsplit(url).path, "", status=status, Location=location)
        final = two.url("/report")
        two.set("/report", PAGE % json.dumps(SENTENCE))
        two.set("/img/logo", "", status=302, Location=one.url("/pixel.png"))  # a subresource's redirect, across hosts
        one.set("/pixel.png", PNG_1PX, content_type="image/png")
        cfg = make_config(tmp_path / "c", "\n[render]\nsettle_seconds = 0.0\n")
        result = run_cli("--config", cfg, "fetch", asked, "--render", "--json")
        assert result.exit_code == 0, result.output + result.stderr
        # Each hop fetched once, by the project's client; the image's relative URL resolved against the final page.
        assert [
            one.hits("/old"),
            two.hits("/a"),
            two.hits("/b"),
            two.hits("/c"),
            one.hits("/d"),
            two.hits("/report"),
        ] == [1] * 6
        assert two.hits("/img/logo") == 1 and one.hits("/pixel.png") == 1 and one.hits("/img/logo") == 0
    data = json.loads(result.stdout)
    assert data["url"] == asked and data["final_url"] == final
    assert [(r["url"], r["status"]) for r in data["redirects"]] == [(u, s) for u, s, _ in hops]
    assert {"facebook_accounts": 23, "instagram_accounts": 4} in [
        n["counts"] for n in data["networks"]
    ]  # the script ran
    warc_dir = tmp_path / "c" / "data" / "warc"
    responses, requests, info = _responses(warc_dir)
    for url, status, location in hops:
        assert responses[url] == (str(status), location) and url in requests
    assert responses[final] == ("200", None) and final in requests
    assert responses[two.url("/img/logo")] == ("302", one.url("/pixel.png")) and responses[one.url("/pixel.png")] == (
        "200",
        None,
    )
    assert info["url"] == asked and info["final_url"] == final and info["refused"] == []
    for path in warc_dir.glob("*.warc.gz"):
        check = subprocess.run(
            [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())", "check", str(path)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    verified = run_cli("--config", cfg, "archive", "verify", "--all")
    assert verified.exit_code == 0, verified.output + verified.stderr


async def _other_is_private(host: str, port: int) -> list[str]:
    """A resolver hook: `other.test` stands for a host with a private address; the pages' host is loopback."""
    return ["10.0.0.9"] if host == "other.test" else ["127.0.0.1"]


def _render(tmp_path: Path, url: str, **http: object) -> Rendered:
    config = load_config(str(make_config(tmp_path / "c", "")))
    settings = replace(RenderSettings.from_config(config), settle_seconds=0.0)

    async def run() -> Rendered:
        async with HttpClient(replace(config.http, **http), resolver=_other_is_private) as client:
            async with BrowserPool(settings, client) as pool:
                return await pool.render(url, respect_robots=False)

    return asyncio.run(run())


def test_each_hop_passes_the_private_network_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        safety, "is_public_address", lambda address: address == "127.0.0.1"
    )  # loopback plays the public site
    with SiteServer(tmp_path / "s") as site, SiteServer(tmp_path / "o") as other:
        private = f"http://other.test:{other.port}"
        other.set("/report", "<html><body><p>internal</p></body></html>")
        other.set("/x.png", PNG_1PX, content_type="image/png")
        site.set("/old", "", status=302, Location=f"{private}/report")
        with pytest.raises(FetchError) as refused:
            _render(tmp_path / "doc", site.url("/old"), allow_private_networks=False)
        assert refused.value.reason == "private_address" and "non-public address 10.0.0.9" in str(refused.value)
        # A subresource's hop is checked too: the page is kept, the image refused.
        site.set("/page", "<html><head><title>p</title></head><body><p>public</p><img src='/img'></body></html>")
        site.set("/img", "", status=307, Location=f"{private}/x.png")
        rendered = _render(tmp_path / "sub", site.url("/page"), allow_private_networks=False)
        assert other.requests == []  # neither hop reached the private address
    assert rendered.document.status == 200 and site.hits("/img") == 1
    assert any("x.png" in r and "non-public address 10.0.0.9" in r for r in rendered.refused)
    assert [(s.final_url, s.status) for s in rendered.subresources] == [(site.url("/img"), 307)]  # the hop as answered


def test_the_hop_limit_and_loops_end_a_rendered_fetch_with_one_line(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s") as site:
        for n in range(6):
            site.set(f"/chain/{n}", "", status=302, Location=f"/chain/{n + 1}")
        site.set("/loop-a", "", status=301, Location=site.url("/loop-b"))
        site.set("/loop-b", "", status=301, Location="/loop-a")
        cfg = make_config(tmp_path / "c")
        cfg.write_text(cfg.read_text().replace("[http]\n", "[http]\nmax_redirects = 3\n"))
        chain = run_cli("--config", cfg, "fetch", site.url("/chain/0"), "--render")
        assert_one_line_error(chain, "too many redirects (more than 3)")
        assert [site.hits(f"/chain/{n}") for n in range(6)] == [
            1,
            1,
            1,
            1,
            0,
            0,
        ]  # as a plain fetch: 3 hops followed, no more
        loop = run_cli("--config", cfg, "fetch", site.url("/loop-a"), "--render")
        assert_one_line_error(loop, "redirect loop", site.url("/loop-a"))
        assert site.hits("/loop-a") == 1 and site.hits("/loop-b") == 1
