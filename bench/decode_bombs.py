"""Decompression bombs: peak memory of unbounded decoding vs our streaming, bounded one.

brotli: "old" is the previous decoder of this project (no output limit per step).
gzip: "old" is a plain `decompress` without max_length, for reference (the previous
gzip decoder already used max_length).

Each decoder runs in its own child process (so one's peak does not hide the
other's); the peak RSS of each child is read from os.wait4. The bombs are
built here: 1 GiB of zeros as brotli (quality 1) and gzip. Cap: 8 MiB.
Prints both peaks and the ratio old / ours. Run: .venv/bin/python bench/decode_bombs.py
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CAP = 8 * 1024 * 1024
SIZE = 1024 * 1024 * 1024


def old_brotli(data: bytes) -> None:
    """The previous decoder: 64 KiB of input per `process` call, output unbounded, cap checked after."""
    import brotli

    d, out = brotli.Decompressor(), bytearray()
    for start in range(0, len(data), 64 * 1024):
        out += d.process(data[start : start + 64 * 1024])
        if len(out) > CAP:
            return


def old_gzip(data: bytes) -> None:
    """Reference only: zlib without max_length."""
    import zlib

    zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data)  # what a decoder without max_length does


def ours(encoding: str):
    def run(data: bytes) -> None:
        from archive.decode import DecodeError, decode_body

        try:
            decode_body(data, encoding, CAP)
        except DecodeError:
            return

    return run


def peak_mb(fn, data: bytes) -> tuple[float, float]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            fn(data)
        finally:
            os._exit(0)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss / 1024, time.monotonic() - started


def main() -> None:
    import brotli

    zeros = bytes(SIZE)
    bombs = {"br": brotli.compress(zeros, quality=1), "gzip": gzip.compress(zeros, 9)}
    del zeros
    for encoding, old in (("br", old_brotli), ("gzip", old_gzip)):
        bomb = bombs[encoding]
        before, t_before = peak_mb(old, bomb)
        after, t_after = peak_mb(ours(encoding), bomb)
        print(
            f"{encoding:5} bomb {len(bomb) / 1024:.0f} KiB -> 1 GiB: old peak {before:.0f} MB ({t_before:.2f}s), "
            f"ours {after:.0f} MB ({t_after:.2f}s), ratio old/ours {before / after:.1f}"
        )


if __name__ == "__main__":
    main()
