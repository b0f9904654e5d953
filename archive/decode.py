"""Undo Content-Encoding with a hard cap, as the bytes stream in.

Every coding is decoded in small steps (zlib's `max_length`, brotli's
`output_buffer_limit`), so a few kilobytes of bomb never inflate past the cap
in memory: the output is counted after each step of at most `STEP` bytes and
decoding stops as soon as the total passes the cap.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable, Iterator

import brotli

from .errors import DecodeError

STEP = 64 * 1024  # largest piece of output one decoding step may produce
ACCEPT_ENCODING = "gzip, deflate, br"  # what we ask for; anything else a server sends is refused


class _Zlib:
    """gzip, or deflate (zlib-wrapped or raw, told apart by the first two bytes)."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.inflater: zlib._Decompress | None = None
        self.head = b""
        if encoding != "deflate":
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inflater is None:  # deflate: wait for two bytes to see whether a zlib header is there
            self.head += data
            if len(self.head) < 2:
                return
            data, self.head = self.head, b""
            wrapped = (
                data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )  # RFC 9110 says zlib-wrapped; some send raw
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            while data and not self.inflater.eof:
                yield self.inflater.decompress(data, STEP)
                data = self.inflater.unconsumed_tail
        except zlib.error as exc:
            raise DecodeError(f"corrupt compressed body: {exc}") from None

    @property
    def finished(self) -> bool:
        return self.inflater is not None and self.inflater.eof


class _Brotli:
    def __init__(self) -> None:
        self.decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        d = self.decompressor
        try:
            if not data or d.is_finished():
                return
            piece = d.process(data, output_buffer_limit=STEP)
            yield piece
            # Drain the output held back by the limit. Not `can_accept_more_data()`: brotli 1.2 says True
            # with output still pending, which left a page of more than one step "truncated".
            while piece and not d.is_finished():
                piece = d.process(b"", output_buffer_limit=STEP)
                yield piece
        except brotli.error as exc:
            raise DecodeError(f"corrupt brotli body: {exc}") from None

    @property
    def finished(self) -> bool:
        return bool(self.decompressor.is_finished())


def _layer(encoding: str) -> _Zlib | _Brotli | None:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Zlib("gzip" if encoding == "x-gzip" else encoding)
    if encoding == "br":
        return _Brotli()
    raise DecodeError(f"unsupported Content-Encoding {encoding!r} (we ask for {ACCEPT_ENCODING} only)")


class StreamDecoder:
    """Push raw chunks in with `feed`, read the decoded payload with `finish`; capped throughout.

    The output goes into one growing buffer that `finish` hands over without a copy (a list of
    pieces joined at the end had held the page twice). `keep`: how many decoded bytes to keep (None:
    all); the rest is decoded, counted and checked, then dropped, so a caller that reads the payload
    back from elsewhere (the pipeline, from the WARC) holds no copy of it. `blank`: whether nothing
    but whitespace was decoded (over the whole payload, kept or not)."""

    def __init__(self, content_encoding: str | None, max_bytes: int, keep: int | None = None):
        names = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
        # codings are listed in the order they were applied, so they are undone from the last
        self.layers = [layer for layer in (_layer(n) for n in reversed(names)) if layer is not None]
        self.max_bytes = max_bytes
        self.keep = keep
        self.size = 0
        self.fed = False
        self.blank = True
        self.out = io.BytesIO()

    def feed(self, chunk: bytes) -> None:
        self.fed = self.fed or bool(chunk)
        pieces: Iterable[bytes] = (chunk,)
        for layer in self.layers:
            pieces = _through(layer, pieces)
        for piece in pieces:  # lazily pulled: at most STEP bytes of new output exist at a time
            self.size += len(piece)
            if self.size > self.max_bytes:
                detail = " (decompression bomb?)" if self.layers else ""
                raise DecodeError(f"decoded body exceeds {self.max_bytes} bytes{detail}")
            if self.blank and piece.strip():
                self.blank = False
            room = piece if self.keep is None else piece[: max(0, self.keep - self.out.tell())]
            if room:
                self.out.write(room)

    def take(self) -> bytes:
        """The output decoded since the last `take`, for a reader that consumes it as it goes (warcio_codings)."""
        data = self.out.getvalue()
        self.out = io.BytesIO()
        return data

    def finish(self) -> bytes:
        for layer in self.layers if self.fed else ():  # an empty body is empty, whatever its coding
            if not layer.finished:
                raise DecodeError("truncated compressed body" if isinstance(layer, _Zlib) else "truncated brotli body")
        return self.out.getvalue()  # the buffer itself, trimmed: no second copy


def _through(layer: _Zlib | _Brotli, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


def decode_body(raw: bytes, content_encoding: str | None, max_bytes: int) -> bytes:
    """Return the decoded payload; raise DecodeError past `max_bytes` or on corrupt data."""
    decoder = StreamDecoder(content_encoding, max_bytes)
    view = memoryview(raw)
    for start in range(0, len(raw), STEP):
        decoder.feed(bytes(view[start : start + STEP]))
    return decoder.finish()
