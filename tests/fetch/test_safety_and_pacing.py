"""Units of the HTTP layer that need no server: address checks, redirects to private hosts, pacing."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC

import httpx
import pytest

from scraper.config import HttpSettings
from scraper.devserver import Answer, LoopbackServer, Request
from scraper.errors import FetchError
from scraper.fetch import client as client_module
from scraper.fetch import safety
from scraper.fetch.pacing import Pacer
from scraper.fetch.retry import parse_retry_after


@pytest.mark.parametrize(
    "address,public",
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),
        ("100.100.100.200", False),
        ("::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("2606:4700::1111", True),
    ],
)
def test_public_address_classification(address, public):
    assert safety.is_public_address(address) is public


def test_redirect_to_a_private_address_is_refused(monkeypatch):
    """A public page that redirects to the cloud metadata service must not be followed."""

    async def fake_resolve(host: str, port: int) -> list[str]:
        return {"reports.example": ["93.184.216.34"], "internal.example": ["169.254.169.254"]}[host]

    seen: list[str] = []

    class Body(httpx.AsyncByteStream):  # a streamed body, as a real transport gives
        async def __aiter__(self):
            yield b""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404, stream=Body())
        return httpx.Response(302, headers={"Location": "http://internal.example/latest/meta-data/"}, stream=Body())

    monkeypatch.setattr(safety, "resolve", fake_resolve)
    settings = replace(HttpSettings(), per_host_delay=0.0)

    async def run() -> None:
        async with client_module.HttpClient(settings, transport=httpx.MockTransport(handler)) as c:
            await c.fetch("http://reports.example/report")

    with pytest.raises(FetchError) as info:
        asyncio.run(run())
    assert info.value.reason == "private_address" and "169.254.169.254" in str(info.value)
    assert not any("internal.example" in url for url in seen)


def test_retry_after_parses_seconds_and_http_dates():
    from datetime import datetime

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30
    assert parse_retry_after("soon") is None


def test_pacer_spaces_one_host_and_runs_hosts_in_parallel():
    """One host: five starts 0.1 s apart (a lower bound, which a loaded machine only lengthens).

    Five hosts: counted, not timed. Each request holds its slot until all five are inside
    at once; a pacer that serialised hosts would let in one at a time (peak 1), and the
    hold gives up on a guard that only a broken pacer ever reaches."""

    async def run() -> tuple[float, int]:
        pacer = Pacer(delay=0.1, per_host=1, global_limit=10)

        async def hit(host: str) -> None:
            async with pacer.slot(host):
                pass

        start = time.monotonic()
        await asyncio.gather(*(hit("a") for _ in range(5)))
        one_host = time.monotonic() - start

        inside, peak = 0, 0
        all_inside, gave_up = asyncio.Event(), asyncio.Event()

        async def hold(host: str) -> None:
            nonlocal inside, peak
            async with pacer.slot(host):
                inside += 1
                peak = max(peak, inside)
                if inside == 5:
                    all_inside.set()
                if not gave_up.is_set():
                    try:
                        await asyncio.wait_for(all_inside.wait(), 5.0)  # hang guard, never a pass window
                    except TimeoutError:
                        gave_up.set()
                inside -= 1

        await asyncio.gather(*(hold(h) for h in "bcdef"))
        return one_host, peak

    one_host, peak = asyncio.run(run())
    assert one_host >= 0.4  # five requests, 0.1 s apart
    assert peak == 5  # five hosts at once


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::1",
        "2002:5db8:d822::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "64:ff9b::7f00:1",
        "64:ff9b::5db8:d822",
        "64:ff9b:1::a00:1",
        "::7f00:1",
        "::a00:1",
        "::ffff:0:7f00:1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_ipv6_embeddings_of_ipv4_are_refused(address):
    """6to4, Teredo, NAT64, IPv4-compatible/-translated and mapped private addresses all reach IPv4 hosts."""
    assert safety.is_public_address(address) is False


def test_dns_rebinding_connects_to_the_checked_address(monkeypatch):
    """The resolver answers a "public" address for the check, then 127.0.0.1: the connection must use the first."""
    hits: dict[str, list[str]] = {"checked": [], "internal": []}

    def server(address: str, port: int, label: str) -> LoopbackServer:
        def respond(request: Request) -> Answer:
            hits[label].append(request.headers["Host"])
            return Answer(200, b"<html><body><p>report</p></body></html>", {"Content-Type": "text/html"})

        return LoopbackServer(respond, host=address, port=port).start()

    checked = server("127.0.0.2", 0, "checked")  # plays the public address
    port = checked.port
    internal = server("127.0.0.1", port, "internal")  # what a rebinding DNS answers next
    answers: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["127.0.0.2"] if len(answers) == 1 else ["127.0.0.1"]

    monkeypatch.setattr(safety, "is_public_address", lambda address: address == "127.0.0.2")
    settings = replace(HttpSettings(), per_host_delay=0.0, respect_robots=False, allow_private_networks=False)

    async def run():
        async with client_module.HttpClient(settings, resolver=rebinding_resolver) as c:
            return await c.fetch(f"http://reports.example:{port}/report")

    try:
        result = asyncio.run(run())
    finally:
        checked.close(), internal.close()
    assert result.status == 200
    assert answers == ["reports.example"]  # resolved once, for the check; never again to connect
    assert hits == {"checked": [f"reports.example:{port}"], "internal": []}  # Host header keeps the name


def test_an_internationalised_host_is_resolved_checked_and_fetched(monkeypatch):
    """`bücher.example` goes on the wire as `xn--bcher-kva.example`: it is resolved and checked under that
    name, so the connection finds its checked addresses (it was refused as "was not checked")."""
    hosts: list[str] = []

    def respond(request: Request) -> Answer:
        hosts.append(request.headers["Host"])
        return Answer(200, b"<html><body><p>report</p></body></html>", {"Content-Type": "text/html"})

    public = LoopbackServer(respond, host="127.0.0.2", port=0).start()  # plays a public address
    resolved: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["127.0.0.2"]

    monkeypatch.setattr(safety, "is_public_address", lambda address: address == "127.0.0.2")
    settings = replace(HttpSettings(), per_host_delay=0.0, respect_robots=False, allow_private_networks=False)

    async def run():
        async with client_module.HttpClient(settings, resolver=resolver) as c:
            return await c.fetch(f"http://bücher.example:{public.port}/report")

    try:
        result = asyncio.run(run())
    finally:
        public.close()
    assert result.status == 200
    assert resolved == ["xn--bcher-kva.example"] and hosts == [f"xn--bcher-kva.example:{public.port}"]


def test_a_name_that_rebinds_to_a_private_address_on_the_next_request_is_refused(monkeypatch):
    calls: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["93.184.216.34"] if len(calls) == 1 else ["93.184.216.34", "127.0.0.1"]

    async def run() -> None:
        guard = safety.AddressGuard(rebinding_resolver)
        await guard.check("http://reports.example/a")
        assert guard.pinned("reports.example", 80) == ["93.184.216.34"]
        await guard.check("http://reports.example/b")

    with pytest.raises(FetchError) as info:
        asyncio.run(run())
    assert info.value.reason == "private_address" and "127.0.0.1" in str(info.value)


def test_the_transport_refuses_a_host_that_was_never_checked():
    guard = safety.AddressGuard()
    with pytest.raises(safety.PrivateAddressError):
        guard.pinned("unchecked.example", 443)


@pytest.mark.parametrize(
    "url",
    ["http://user:pass@reports.example/x", "https://user@reports.example/x", "http://:secretpw@reports.example/"],
)
def test_urls_with_credentials_are_refused_without_echoing_them(url):
    from scraper.errors import UserError

    with pytest.raises(UserError) as info:
        client_module.check_url(url)
    message = str(info.value)
    assert (
        "carries credentials" in message and "pass" not in message.replace("password", "") and "secretpw" not in message
    )
    assert client_module.strip_credentials(url).startswith(url.split("://")[0] + "://reports.example/")
