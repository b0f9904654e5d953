"""Decompression with a cap: bombs are stopped, truncation and corruption are named."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from scraper.fetch.decode import DecodeError, decode_body

MB = 1024 * 1024


@pytest.mark.parametrize("encoding,compress", [("gzip", gzip.compress), ("br", brotli.compress), ("deflate", zlib.compress)])
def test_bombs_are_stopped_at_the_cap(encoding, compress):
    bomb = compress(bytes(64 * MB))
    assert len(bomb) < MB
    with pytest.raises(DecodeError, match="bomb"):
        decode_body(bomb, encoding, 8 * MB)


@pytest.mark.parametrize("encoding,compress", [("gzip", gzip.compress), ("br", brotli.compress)])
def test_round_trip_and_truncation(encoding, compress):
    data = b"We removed 12 Facebook accounts. " * 1000
    assert decode_body(compress(data), encoding, MB) == data
    with pytest.raises(DecodeError, match="truncated|corrupt"):
        decode_body(compress(data)[:-20], encoding, MB)


def test_unknown_encoding_and_identity():
    assert decode_body(b"plain", None, 10) == b"plain"
    with pytest.raises(DecodeError, match="unsupported Content-Encoding"):
        decode_body(b"x", "compress", 10)
    with pytest.raises(DecodeError):
        decode_body(b"0123456789ABC", "identity", 10)
