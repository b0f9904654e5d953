"""The desk serves the Atom feed at /feed.atom, naming its configured public URL as its self link."""

from __future__ import annotations

import httpx

from ..stubs.atom_rfc4287 import problems
from .conftest import WIRE

PUBLIC = "https://desk.example.org/feed.atom"


def test_the_desk_serves_the_feed_it_keeps(desk_factory):
    desk = desk_factory(f'[stubs]\nfeed_url = "{PUBLIC}"\n')
    empty = httpx.get(f"{desk.base}/feed.atom")  # before any stub: written on first request, valid and empty
    assert empty.status_code == 200 and empty.headers["content-type"].startswith("application/atom+xml")
    assert problems(empty.content, PUBLIC) == []
    stub_id = desk.fetch(WIRE)["stub_id"]
    served = httpx.get(f"{desk.base}/feed.atom")
    assert served.status_code == 200 and problems(served.content, PUBLIC) == []
    assert f"urn:takedowns:stub:{stub_id}".encode() in served.content
    assert served.content == (desk.config.parent / "data" / "stubs.atom").read_bytes()
