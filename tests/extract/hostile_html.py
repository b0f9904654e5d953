"""Hostile HTML generated on the fly: pages whose extraction costs far more than their size on the wire."""

from __future__ import annotations

import functools
import gzip

import brotli


@functools.cache
def paragraph_flood(lines: int) -> bytes:
    """An HTML page of `lines` short `<p>` lines (20 MB at 450,000 lines): trafilatura's time grows
    faster than the page (20,000 lines already cost about 20 s of CPU), and it compresses ~180:1."""
    body = b"".join(b"<p>We removed %d accounts from a network in this region.</p>\n" % n for n in range(lines))
    return (
        b"<!DOCTYPE html><html><head><title>Coordinated inauthentic behavior report</title></head><body><article>"
        + body
        + b"</article></body></html>"
    )


@functools.cache
def encoded(page: bytes, encoding: str) -> bytes:
    """`page` as sent with `Content-Encoding: encoding` (gzip or br)."""
    return gzip.compress(page, 9) if encoding == "gzip" else brotli.compress(page, quality=5)
