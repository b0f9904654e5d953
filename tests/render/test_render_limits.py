"""Browser capture under hostile pages: budget, caps, downloads, service workers, contexts, robots, DNS, re-capture."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import Catalogue
from archive.render_records import is_rendered
from archive.tables import Capture, ReportRow
from scraper.config import load_config
from scraper.devserver import Answer, LoopbackServer, Request
from scraper.errors import FetchError
from scraper.fetch import safety
from scraper.fetch.browser import BrowserPool, Rendered, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient
from scraper.fetch.safety import Resolver

from ..conftest import SiteServer, make_config, run_cli

pytestmark = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)

TEXT = (
    "Today we removed 12 Facebook accounts for coordinated inauthentic behavior. The network posed as local "
    "news pages and posted about elections in several languages. Our investigators linked the accounts through "
    "shared administrators, identical posting schedules and reused profile pictures across the assets."
)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _render_all(
    tmp_path: Path,
    urls: list[str],
    *,
    http: dict[str, Any] | None = None,
    resolver: Resolver | None = None,
    respect_robots: bool = True,
    **render: Any,
) -> list[Rendered | FetchError]:
    """Render `urls` one after another with one pool (one browser); FetchErrors are returned, not raised."""
    config = load_config(str(make_config(tmp_path / "cfg", "")))
    http_settings = replace(config.http, **(http or {}))
    settings = replace(RenderSettings.from_config(config), **{"settle_seconds": 0.0, **render})

    async def run() -> list[Rendered | FetchError]:
        out: list[Rendered | FetchError] = []
        async with HttpClient(http_settings, resolver=resolver) as client:
            async with BrowserPool(settings, client) as pool:
                for url in urls:
                    try:
                        out.append(await pool.render(url, respect_robots=respect_robots))
                    except FetchError as exc:
                        out.append(exc)
        return out

    return asyncio.run(run())


def _one(tmp_path: Path, url: str, **kw: Any) -> Rendered:
    result = _render_all(tmp_path, [url], **kw)[0]
    assert isinstance(result, Rendered), result
    return result


def test_page_that_never_finishes_loading_is_captured_within_budget(tmp_path: Path) -> None:
    """Budget spent before the load event: the capture ends in time and keeps what it had (load_complete false).

    "In time" is an event, not a window: the capture returned while the server still held the image."""
    release = threading.Event()
    served: list[bool] = []

    def hang(request: Request) -> Answer:
        served.append(release.wait(60))  # held until the test ends (60 s for a capture that never gives up)
        return Answer(200, PNG_1PX, {"Content-Type": "image/png"})

    with SiteServer(tmp_path / "s") as site:
        site.set(
            "/p",
            "<html><head><title>stuck</title></head><body><p>text before the stuck image</p><img src='/hang.png'></body></html>",
        )
        site.routes["/hang.png"] = hang
        try:
            rendered = _one(tmp_path, site.url("/p"), budget_seconds=10.0)
            assert not served, "the capture waited for the held image instead of ending at its budget"
        finally:
            release.set()
    # Cut at the budget: either the load wait gave up (load_complete false) or the image's fetch was cut at the deadline.
    assert rendered.page_info()["load_complete"] is False or any("hang.png" in r for r in rendered.refused)
    assert not any(r.requested_url.endswith("/hang.png") for r in rendered.subresources)
    assert rendered.document.status == 200 and "text before the stuck image" in rendered.dom
    assert rendered.screenshot[:8] == b"\x89PNG\r\n\x1a\n"


def test_document_that_never_answers_fails_with_one_line(tmp_path: Path) -> None:
    release = threading.Event()
    with SiteServer(tmp_path / "s") as site:
        site.routes["/never"] = lambda request: (release.wait(60), Answer(200, b"late", {}))[1]
        try:
            result = _render_all(tmp_path, [site.url("/never")], budget_seconds=2.0)[0]
        finally:
            release.set()
    assert isinstance(result, FetchError) and "\n" not in str(result) and site.url("/never") in str(result)


def test_max_requests_refuses_the_rest(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s") as site:
        imgs = "".join(f"<img src='/i{n}.png'>" for n in range(8))
        for n in range(8):
            site.set(f"/i{n}.png", PNG_1PX, content_type="image/png")
        site.set("/p", f"<html><body>{imgs}</body></html>")
        rendered = _one(tmp_path, site.url("/p"), max_requests=3)
        served = sum(site.hits(f"/i{n}.png") for n in range(8))
    assert 1 + len(rendered.subresources) == 3 and served == 2
    assert sum("max_requests = 3" in r for r in rendered.refused) == 6


def test_max_bytes_refuses_after_the_cap(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s") as site:
        scripts = "".join(f"<script src='/s{n}.js'></script>" for n in range(5))
        for n in range(5):
            site.set(f"/s{n}.js", "/*" + "x" * 3000 + "*/", content_type="text/javascript")
        site.set("/p", f"<html><body>{scripts}</body></html>")
        rendered = _one(tmp_path, site.url("/p"), max_bytes=4096)
    # Chromium asks for all five at once; one fits beside the document under 4096 bytes, the rest are refused.
    assert len(rendered.subresources) == 1
    assert len(rendered.document.body) + sum(len(s.body) for s in rendered.subresources) <= 4096
    assert sum("max_bytes = 4096" in r for r in rendered.refused) == 4


def _artifacts() -> set[Path]:
    """Files in Playwright's artifact folders (where an accepted download is saved)."""
    return {p for p in Path(tempfile.gettempdir()).glob("playwright-artifacts-*/*") if p.is_file()}


def test_chromium_itself_connects_nowhere(tmp_path: Path) -> None:
    """A WebSocket and a preconnect are not routed requests: Chromium must fail them, not open them past the guard.

    The page's load waits on `/slow.png`, which the other server holds until the page has fetched
    `/closed` (sent from the WebSocket's close handler): the capture is taken after the attempt ended.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    raw = f"127.0.0.1:{listener.getsockname()[1]}"
    closed = threading.Event()
    with SiteServer(tmp_path / "s") as site, SiteServer(tmp_path / "o") as other:
        site.routes["/closed"] = lambda request: (closed.set(), Answer(204, b"", {}))[1]
        other.routes["/slow.png"] = lambda request: (
            closed.wait(20),
            Answer(200, PNG_1PX, {"Content-Type": "image/png"}),
        )[1]
        site.set(
            "/p",
            f"""<html><head><link rel="preconnect" href="http://{raw}"></head><body><p>page</p>
<script>const ws = new WebSocket('ws://{raw}/live'); ws.onclose = () => fetch('/closed');</script>
<img src="{other.url("/slow.png")}"></body></html>""",
        )
        rendered = _one(tmp_path, site.url("/p"), budget_seconds=30.0)
    accepted = 0
    try:
        while True:
            listener.accept()[0].close()
            accepted += 1
    except TimeoutError:
        pass
    finally:
        listener.close()
    assert closed.is_set() and rendered.load_complete  # the WebSocket attempt ended (failed) before the capture
    assert accepted == 0  # and nothing reached the raw address


def test_no_downloads_and_no_service_worker(tmp_path: Path) -> None:
    """A page that registers a service worker and starts a download: neither happens."""
    before = _artifacts()
    page = """<html><head><title>sw</title></head><body><p id="sw">pending</p>
<a id="dl" href="/file.bin" download>file</a>
<script>
navigator.serviceWorker.register('/sw.js').then(
  (reg) => { document.getElementById('sw').textContent = 'sw registered ' + JSON.stringify([!!reg.installing, !!reg.waiting, !!reg.active]); },
  (e) => { document.getElementById('sw').textContent = 'sw refused'; });
document.getElementById('dl').click();
</script></body></html>"""
    with SiteServer(tmp_path / "s") as site:
        site.set("/p", page)
        site.set("/sw.js", "self.addEventListener('fetch', () => {});", content_type="text/javascript")
        site.set(
            "/file.bin",
            b"\0" * 4096,
            content_type="application/octet-stream",
            Content_Disposition="attachment; filename=file.bin",
        )
        rendered = _one(tmp_path, site.url("/p"), settle_seconds=1.5)
        assert site.hits("/sw.js") == 0
    state = re.search(r'<p id="sw">([^<]*)</p>', rendered.dom)
    assert state is not None and not state.group(1).startswith("sw registered"), (
        state
    )  # blocked: rejected or never settles
    assert _artifacts() - before == set()  # an accepted download would be saved there


def test_fresh_context_per_page(tmp_path: Path) -> None:
    """A cookie set on page 1 is not sent with page 2, nor seen by its scripts."""
    with SiteServer(tmp_path / "s") as site:
        site.set(
            "/one",
            "<html><body>one<script>document.cookie='js=1; path=/'</script></body></html>",
            Set_Cookie="session=abc; Path=/",
        )
        site.set(
            "/two",
            "<html><body><p id='c'></p><script>document.getElementById('c').textContent='cookies:[' + document.cookie + ']'</script></body></html>",
        )
        first, second = _render_all(tmp_path, [site.url("/one"), site.url("/two")])
        sent = [headers for _, path, headers in site.requests if path == "/two"]
    assert isinstance(first, Rendered) and isinstance(second, Rendered)
    assert sent and not any("cookie" in {k.lower() for k in h} for h in sent)
    assert "cookies:[]" in second.dom


def test_robots_disallow_applies_to_subresources(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s") as site, SiteServer(tmp_path / "o") as other:
        other.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        other.set("/private/x.png", PNG_1PX, content_type="image/png")
        other.set("/open.png", PNG_1PX, content_type="image/png")
        site.set(
            "/p",
            f"<html><body><img src='{other.url('/private/x.png')}'><img src='{other.url('/open.png')}'></body></html>",
        )
        rendered = _one(tmp_path, site.url("/p"))
        ignored = _one(tmp_path / "ignored", site.url("/p"), respect_robots=False)
        assert other.hits("/private/x.png") == 1  # only the capture told to ignore robots.txt fetched it
        assert other.hits("/open.png") == 2
    assert any("private/x.png" in r and "robots" in r for r in rendered.refused)
    assert [s.requested_url for s in rendered.subresources] == [other.url("/open.png")]
    assert not ignored.refused


def test_per_host_pacing_applies_to_subresources(tmp_path: Path) -> None:
    """Three images on one host, per_host_delay = 1 s: their starts are spaced by the pacer, not all at once.

    The pacer spaces the client's starts; the server sees them with the loopback's jitter
    (0.1 s on a loaded CI machine), so the bound is half the delay. Unpaced, the three
    requests arrive within milliseconds of each other."""
    starts: list[float] = []

    def timed(request: Request) -> Answer:
        starts.append(time.monotonic())
        return Answer(200, PNG_1PX, {"Content-Type": "image/png"})

    with SiteServer(tmp_path / "s") as site, SiteServer(tmp_path / "o") as other:
        for n in range(3):
            other.routes[f"/i{n}.png"] = timed
        site.set(
            "/p",
            "<html><body>" + "".join(f"<img src='{other.url(f'/i{n}.png')}'>" for n in range(3)) + "</body></html>",
        )
        rendered = _one(tmp_path, site.url("/p"), http={"per_host_delay": 1.0}, budget_seconds=15.0)
    assert len(rendered.subresources) == 3 and len(starts) == 3
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(g >= 0.5 for g in gaps), gaps


class _Resolver:
    """A resolver hook: `rebind.test` resolves to a private address, everything else to loopback."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return ["10.1.2.3"] if host == "rebind.test" else ["127.0.0.1"]


def test_hostname_resolving_to_private_address_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser's request for a name that resolves privately goes through the guard's resolver and is refused."""
    monkeypatch.setattr(
        safety, "is_public_address", lambda address: address == "127.0.0.1"
    )  # the test site plays a public one
    resolver = _Resolver()
    with SiteServer(tmp_path / "s") as site:
        port = urlsplit(site.url("/")).port
        site.set("/x.png", PNG_1PX, content_type="image/png")
        site.set("/p", f"<html><body><p>page</p><img src='http://rebind.test:{port}/x.png'></body></html>")
        rendered = _one(
            tmp_path, site.url("/p"), http={"allow_private_networks": False}, resolver=resolver, respect_robots=False
        )
        assert site.hits("/x.png") == 0
    assert "rebind.test" in resolver.asked
    assert any("rebind.test" in r and "10.1.2.3" in r for r in rendered.refused)


def test_dns_rebinding_connects_to_the_checked_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard's resolver answers 127.0.0.2 (plays public) for `localhost`; any second resolution (the system's) gives 127.0.0.1.

    Every request of the page, the document and its subresource, must go to the address that was
    checked, with the Host header still naming `localhost`; the "internal" server is never reached.
    """
    hits: dict[str, list[str]] = {"checked": [], "internal": []}

    def server(address: str, port: int, label: str) -> LoopbackServer:
        def respond(request: Request) -> Answer:
            hits[label].append(f"{request.path} {request.headers['Host']}")
            if request.path == "/x.png":
                return Answer(200, PNG_1PX, {"Content-Type": "image/png"})
            return Answer(
                200,
                f"<html><body><p>{label} page</p><img src='/x.png'></body></html>".encode(),
                {"Content-Type": "text/html"},
            )

        return LoopbackServer(respond, host=address, port=port).start()

    checked = server("127.0.0.2", 0, "checked")
    port = checked.port
    internal = server("127.0.0.1", port, "internal")  # where `localhost` really goes
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.2"]

    monkeypatch.setattr(safety, "is_public_address", lambda address: address == "127.0.0.2")
    try:
        rendered = _one(
            tmp_path,
            f"http://localhost:{port}/p",
            http={"allow_private_networks": False},
            resolver=resolver,
            respect_robots=False,
        )
    finally:
        checked.close(), internal.close()
    assert hits == {"checked": [f"/p localhost:{port}", f"/x.png localhost:{port}"], "internal": []}
    assert "checked page" in rendered.dom and len(rendered.subresources) == 1 and not rendered.refused
    assert asked == ["localhost", "localhost"]  # one resolution per request, by the guard, and no other


SCRIPTED_COUNT = (
    "<html><head><title>Both ways</title></head><body><article id='a'><h1>Both ways</h1><p>"
    + TEXT.split(". ", 1)[1]
    + "</p></article><script>const p = document.createElement('p'); p.textContent = 'Separately, we removed 34 Instagram "
    "accounts tied to the same operators.'; document.getElementById('a').appendChild(p);</script></body></html>"
)


def _etag_route(body: str) -> Any:
    """A page with an ETag that answers 304 to a matching If-None-Match (so a revalidation against the wrong capture shows)."""

    def respond(request: Request) -> Answer:
        if {k.lower(): v for k, v in request.headers.items()}.get("if-none-match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, body.encode(), {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'})

    return respond


def _fetch(cfg: Path, url: str, *args: str) -> dict[str, Any]:
    result = run_cli("--config", cfg, "fetch", url, *args, "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_plain_and_rendered_captures_of_one_url_are_both_kept(tmp_path: Path) -> None:
    """The same URL fetched plain and with --render, in both orders: two captures, both listed, each with its own report.

    The count exists only after the script ran, so each report shows which capture it was read from.
    A plain fetch after a rendering revalidates against the plain capture, not the rendered one
    (the server answers 304 to the ETag both share: that would have stored no plain capture).
    """
    with SiteServer(tmp_path / "s") as site:
        site.routes["/plain-first"] = _etag_route(SCRIPTED_COUNT)
        site.routes["/render-first"] = _etag_route(SCRIPTED_COUNT)
        cfg = make_config(tmp_path / "c", "")
        a = [_fetch(cfg, site.url("/plain-first"), *args) for args in ((), ("--render",), ("--render",), ())]
        b = [_fetch(cfg, site.url("/render-first"), *args) for args in (("--render",), (), ())]
        listed = {
            path: json.loads(run_cli("--config", cfg, "captures", site.url(path), "--json").stdout)
            for path in ("/plain-first", "/render-first")
        }
        table = run_cli("--config", cfg, "captures", site.url("/render-first")).stdout

    for outcomes in (a, b):
        plain = [o for o in outcomes if not o["rendered"]]
        browser = [o for o in outcomes if o["rendered"]]
        assert len({o["capture_id"] for o in plain}) == 1 and len({o["capture_id"] for o in browser}) == 1
        assert plain[0]["capture_id"] != browser[0]["capture_id"]
        assert [o["new_capture"] for o in plain] == [True, False] and browser[0]["new_capture"]
        assert all(
            not o["totals"] and not any(n["counts"] for n in o["networks"]) for o in plain
        )  # the plain payload has no count
        assert all(any(n["counts"].get("instagram_accounts") == 34 for n in o["networks"]) for o in browser)
    assert (
        b[1]["unchanged"] is False
    )  # the first plain fetch after a rendering is a full GET, not a 304 against the rendered capture
    assert a[3]["unchanged"] is True and b[2]["unchanged"] is True  # later ones revalidate against the plain capture

    for path, outcomes in (("/plain-first", a), ("/render-first", b)):
        rows = listed[path]
        assert sorted((r["rendered"], r["seen_count"]) for r in rows) == [(False, 2), (True, len(outcomes) - 2)]
    assert "plain" in table and "browser" in table

    config = load_config(str(cfg))
    with Catalogue(config.catalogue_url, migrate=True).session() as s:
        for path in ("/plain-first", "/render-first"):
            for row in listed[path]:
                capture = s.get(Capture, row["capture_id"])
                assert (
                    capture is not None
                    and is_rendered(config.data_dir / capture.warc_path, capture.warc_offset) == row["rendered"]
                )
        reports = {r.capture_id: r.data for r in s.scalars(select(ReportRow))}
    for outcome in a + b:  # one report row per capture, never overwritten by the other kind
        assert reports[outcome["capture_id"]]["capture_id"] == outcome["capture_id"]
        assert (
            bool(reports[outcome["capture_id"]]["networks"] and reports[outcome["capture_id"]]["networks"][0]["counts"])
            == outcome["rendered"]
        )
    responses = Counter()
    for path in sorted((config.data_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") in (
                    site.url("/plain-first"),
                    site.url("/render-first"),
                ):
                    responses[
                        (
                            record.rec_headers.get_header("WARC-Target-URI"),
                            record.rec_headers.get_header("WARC-Page-ID") is not None,
                        )
                    ] += 1
    assert set(responses.values()) == {1} and len(responses) == 4  # each URL: one plain pair, one rendered block
