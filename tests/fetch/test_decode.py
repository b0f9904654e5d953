"""Decompression with a cap: bombs are stopped, truncation and corruption are named."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from archive.decode import DecodeError, StreamDecoder, decode_body

MB = 1024 * 1024


@pytest.mark.parametrize(
    "encoding,compress", [("gzip", gzip.compress), ("br", brotli.compress), ("deflate", zlib.compress)]
)
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


@pytest.mark.parametrize(
    "encoding,compress", [("gzip", gzip.compress), ("br", brotli.compress), ("deflate", zlib.compress)]
)
def test_a_page_many_decoding_steps_long_decodes_whole(encoding, compress):
    """Text compresses well: one chunk of it decodes to many steps of output, all of which must come out."""
    data = b"".join(b"<p>We removed %d accounts from a network.</p>\n" % n for n in range(40_000))
    assert decode_body(compress(data), encoding, 8 * MB) == data


def test_unknown_encoding_and_identity():
    assert decode_body(b"plain", None, 10) == b"plain"
    with pytest.raises(DecodeError, match="unsupported Content-Encoding"):
        decode_body(b"x", "compress", 10)
    with pytest.raises(DecodeError):
        decode_body(b"0123456789ABC", "identity", 10)


@pytest.mark.parametrize(
    "encoding,compress",
    [("gzip", gzip.compress), ("br", lambda d: brotli.compress(d, quality=1)), ("deflate", zlib.compress)],
)
def test_bombs_never_inflate_past_the_cap_in_memory(encoding, compress):
    """Peak Python memory while stopping a 256 MB bomb stays near the 1 MB cap, not near 256 MB."""
    import tracemalloc

    bomb = compress(bytes(256 * MB))
    tracemalloc.start()
    try:
        with pytest.raises(DecodeError, match="bomb"):
            decode_body(bomb, encoding, MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(bomb) + 4 * MB  # the input, the capped output and a few decoding steps


def test_a_bomb_is_stopped_while_it_streams_in():
    """Fed chunk by chunk, as from the network, decoding stops at the first chunk that passes the cap."""
    from archive.decode import StreamDecoder

    bomb = gzip.compress(bytes(64 * MB))
    decoder = StreamDecoder("gzip", MB)
    chunks = [bomb[i : i + 1024] for i in range(0, len(bomb), 1024)]
    fed = 0
    with pytest.raises(DecodeError, match="bomb"):
        for chunk in chunks:
            decoder.feed(chunk)
            fed += 1
    assert fed < len(chunks) / 8 and decoder.size <= MB + 64 * 1024


def test_stacked_codings_and_zstd():
    data = b"We removed 12 Facebook accounts. " * 100
    assert decode_body(brotli.compress(gzip.compress(data)), "gzip, br", MB) == data
    with pytest.raises(DecodeError, match="unsupported Content-Encoding 'zstd'"):
        decode_body(b"\x28\xb5\x2f\xfd" + data, "zstd", MB)
    assert decode_body(b"", "gzip", MB) == b""  # an empty body is empty, whatever its label


def test_brotli_records_read_back_through_warcio():
    """py-wacz's indexer reads content through warcio, whose own brotli hook breaks on brotli >= 1.1."""
    import io

    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    import archive.warcio_codings  # noqa: F401 (registers the decoder)

    data = b"<html><body>We removed 12 Facebook accounts.</body></html>" * 50
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "br")], protocol="HTTP/1.1"
    )
    body = brotli.compress(data)
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/", "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
        )
    )
    buf.seek(0)
    contents = [record.content_stream().read() for record in ArchiveIterator(buf)]
    assert contents == [data]


def _fed(decoder: StreamDecoder, raw: bytes) -> StreamDecoder:
    for start in range(0, len(raw), 4096):  # as the body streams in
        decoder.feed(raw[start : start + 4096])
    return decoder


@pytest.mark.parametrize("encoding,compress", [("gzip", gzip.compress), ("br", brotli.compress)])
def test_a_decoder_keeping_only_the_head_still_decodes_and_checks_everything(encoding, compress):
    """The pipeline keeps the first bytes only (it extracts from the WARC): the cap, truncation and
    blankness are still judged on the whole body."""
    data = b" \n" * 5000 + b"<p>We removed 12 accounts.</p>" + b"\n" * 5000
    decoder = _fed(StreamDecoder(encoding, MB, keep=1024), compress(data))
    assert decoder.finish() == data[:1024] and decoder.size == len(data) and not decoder.blank
    assert _fed(StreamDecoder(encoding, MB, keep=1024), compress(b" \t\r\n" * 5000)).blank
    with pytest.raises(DecodeError, match="bomb"):
        _fed(StreamDecoder(encoding, 8 * MB, keep=1024), compress(bytes(16 * MB)))
    with pytest.raises(DecodeError, match="truncated|corrupt"):
        _fed(StreamDecoder(encoding, MB, keep=1024), compress(data)[:-20]).finish()
