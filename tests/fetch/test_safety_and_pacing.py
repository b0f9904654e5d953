"""Units of the HTTP layer that need no server: address checks, redirects to private hosts, pacing."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import httpx
import pytest

from scraper.config import HttpSettings
from scraper.errors import FetchError
from scraper.fetch import client as client_module
from scraper.fetch import safety
from scraper.fetch.pacing import Pacer
from scraper.fetch.retry import parse_retry_after


@pytest.mark.parametrize(
    "address,public",
    [("93.184.216.34", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.4", False),
     ("169.254.169.254", False), ("100.100.100.200", False), ("::1", False), ("fd00:ec2::254", False), ("::ffff:127.0.0.1", False),
     ("224.0.0.1", False), ("2606:4700::1111", True)],
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
    from datetime import datetime, timezone

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30
    assert parse_retry_after("soon") is None


def test_pacer_spaces_one_host_and_runs_hosts_in_parallel():
    async def run() -> tuple[float, float]:
        pacer = Pacer(delay=0.1, per_host=1, global_limit=10)

        async def hit(host: str) -> None:
            async with pacer.slot(host):
                pass

        start = time.monotonic()
        await asyncio.gather(*(hit("a") for _ in range(5)))
        one_host = time.monotonic() - start
        start = time.monotonic()
        await asyncio.gather(*(hit(h) for h in "bcdef"))
        many_hosts = time.monotonic() - start
        return one_host, many_hosts

    one_host, many_hosts = asyncio.run(run())
    assert one_host >= 0.4  # five requests, 0.1 s apart
    assert many_hosts < 0.1  # five hosts at once
