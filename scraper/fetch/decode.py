"""Undo Content-Encoding with a hard cap, so a decompression bomb is stopped, not inflated."""

from __future__ import annotations

import zlib

import brotli

from scraper.errors import DecodeError


def decode_body(raw: bytes, content_encoding: str | None, max_bytes: int) -> bytes:
    """Return the decoded payload; raise DecodeError past `max_bytes` or on corrupt data."""
    encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    data = raw
    for encoding in reversed(encodings):  # applied in order listed, so undo from the last
        if encoding in ("identity", ""):
            continue
        if encoding in ("gzip", "x-gzip"):
            data = _inflate(data, zlib.MAX_WBITS | 16, max_bytes)
        elif encoding == "deflate":
            # RFC 9110 says zlib-wrapped; some servers send raw deflate: tell them apart by the header
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            data = _inflate(data, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, max_bytes)
        elif encoding == "br":
            data = _unbrotli(data, max_bytes)
        else:
            raise DecodeError(f"unsupported Content-Encoding {encoding!r}")
    if len(data) > max_bytes:
        raise DecodeError(f"body larger than {max_bytes} bytes")
    return data


def _inflate(data: bytes, wbits: int, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = bytearray()
    try:
        chunk = inflater.decompress(data, max_bytes + 1)
        out += chunk
        while inflater.unconsumed_tail and len(out) <= max_bytes:
            out += inflater.decompress(inflater.unconsumed_tail, max_bytes + 1 - len(out))
    except zlib.error as exc:
        raise DecodeError(f"corrupt compressed body: {exc}") from None
    if len(out) > max_bytes:
        raise DecodeError(f"decompressed body exceeds {max_bytes} bytes (decompression bomb?)")
    if not inflater.eof:
        raise DecodeError("truncated compressed body")
    return bytes(out)


def _unbrotli(data: bytes, max_bytes: int) -> bytes:
    decompressor = brotli.Decompressor()
    out = bytearray()
    try:
        step = 64 * 1024
        for start in range(0, len(data), step):
            out += decompressor.process(data[start : start + step])
            if len(out) > max_bytes:
                raise DecodeError(f"decompressed body exceeds {max_bytes} bytes (decompression bomb?)")
    except brotli.error as exc:
        raise DecodeError(f"corrupt brotli body: {exc}") from None
    if not decompressor.is_finished():
        raise DecodeError("truncated brotli body")
    return bytes(out)
