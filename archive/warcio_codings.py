"""Content-Encoding decoders for warcio's reader (used by py-wacz's indexer and validator).

warcio 1.8.1 registers a brotli decompressor by setting an attribute on
`brotli.Decompressor`, which brotli >= 1.1 objects no longer allow, so reading
the content of any `Content-Encoding: br` record (as the WACZ indexer does)
raised AttributeError. This registers an adapter with the interface warcio's
`BufferedReader` expects (`decompress`, `unused_data`), decoding in bounded
steps with the same decoder the fetch layer uses.
"""

from __future__ import annotations

from warcio.bufferedreaders import BufferedReader

from .decode import StreamDecoder

# Stored payloads were decoded under [http] max_decompressed_bytes when fetched; this
# ceiling only guards reading a WARC written by something else.
READ_CAP = 1024 * 1024 * 1024


class BrotliForWarcio:
    """A brotli decompressor shaped like `zlib.decompressobj` as far as warcio needs."""

    unused_data = b""  # brotli streams have no members: nothing is ever left over

    def __init__(self, max_bytes: int = READ_CAP):
        self._decoder = StreamDecoder("br", max_bytes)

    def decompress(self, data: bytes) -> bytes:
        self._decoder.feed(data)
        return self._decoder.take()


def install() -> None:
    """Make warcio decode brotli records with `BrotliForWarcio` (idempotent)."""
    BufferedReader.DECOMPRESSORS["br"] = BrotliForWarcio


install()
