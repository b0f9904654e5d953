"""A fault-injection HTTP server on 127.0.0.1: each path misbehaves in its own way.

It counts requests per path, keeps the headers it received and when each request
arrived (the server's clock), and counts clients that hung up before an answer, so
tests can assert how many attempts a client made, what it sent and how long it waited
between them, as events the server saw rather than as a window on the test's clock.
"""

from __future__ import annotations

import functools
import gzip
import select
import socket
import time
import zlib
from collections import Counter

import brotli

from scraper.devserver import LoopbackServer, QuietHandler

from ..extract.hostile_html import encoded, paragraph_flood
from ..extract.pdf_bombs import content_stream_bomb, page_tree_bomb

FAST_HTTP = """
[http]
allow_private_networks = true
per_host_delay = 0.0
connect_timeout = 1.0
read_timeout = 0.5
total_timeout = 3.0
retry_attempts = 3
retry_initial_wait = 0.05
retry_max_wait = 0.2
max_body_bytes = 5242880
max_decompressed_bytes = 8388608
"""  # the [http] section of every fault test's config: loopback allowed, short waits, small caps


PAGE = (
    "<html><head><title>Takedown report</title></head><body><article><h1>Takedown report</h1>"
    + "<p>We removed 12 Facebook accounts and 3 Pages for coordinated inauthentic behavior.</p>" * 20
    + "</article></body></html>"
).encode()


@functools.cache
def brotli_bomb(size: int = 256 * 1024 * 1024) -> bytes:
    return brotli.compress(bytes(size), quality=1)


@functools.cache
def deflate_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    return zlib.compress(bytes(size), 9)


CONTROL_PAGE = (
    "<html><head><title>Control characters</title></head><body><article><h1>Network report</h1>"
    + "<p>We removed 9 Facebook accounts &#x1; linked to a coordinated campaign in this region.</p>" * 8
    + "</article></body></html>"
).encode()


def feed_of(base: str, paths: list[str]) -> bytes:
    """An RSS feed listing `paths` on this server (for polls through hostile answers)."""
    items = "".join(f"<item><title>Takedown {p}</title><link>{base}{p}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Faults</title><link>{base}/</link>{items}</channel></rss>'.encode()


@functools.cache
def pdf_content_bomb() -> bytes:
    return content_stream_bomb(64)


FLOOD_LINES = 120_000  # 7.6 MB of <p> lines (under the 8 MiB decoded cap below), minutes of extraction CPU


def html_flood(encoding: str) -> bytes:
    return encoded(paragraph_flood(FLOOD_LINES), encoding)


@functools.cache
def gzip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = bytes(1024 * 1024)
    out = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(out) + compressor.flush()


class FaultServer:
    def __init__(self, robots: str = "User-agent: *\nDisallow: /private\n"):
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.robots = robots
        self.bytes_sent: Counter[str] = Counter()
        self.arrived: dict[str, list[float]] = {}  # time.monotonic() at each request, per path
        self.hung_up: Counter[str] = Counter()  # requests whose client closed the connection before the answer
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                server.hits[path] += 1
                server.headers.setdefault(path, []).append(dict(self.headers.items()))
                server.arrived.setdefault(path, []).append(time.monotonic())
                if path.startswith("/chain/"):  # /chain/N redirects to /chain/N+1, for ever
                    return self.send(302, b"", Location=f"/chain/{int(path.rsplit('/', 1)[1]) + 1}")
                getattr(
                    self,
                    "route_" + path.strip("/").replace("-", "_").replace(".", "_").replace("/", "__"),
                    self.route_missing,
                )()

            def send(self, status: int, body: bytes = b"", **headers: str) -> None:
                self.send_response(status)
                headers.setdefault("Content-Type", "text/html; charset=utf-8")
                headers.setdefault("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k.replace("_", "-"), v)
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def route_missing(self) -> None:
                self.send(404, b"not found")

            def route_robots_txt(self) -> None:
                self.send(200, server.robots.encode(), Content_Type="text/plain")

            def route_ok(self) -> None:
                self.send(200, PAGE)

            def route_private(self) -> None:
                self.send(200, PAGE)

            def route_always_500(self) -> None:
                self.send(500, b"oops")

            def route_not_found(self) -> None:
                self.send(404, b"gone")

            def route_503_then_200(self) -> None:
                self.send(503, b"busy") if server.hits[self.path] == 1 else self.send(200, PAGE)

            def route_429_retry_after(self) -> None:
                self.send(429, b"slow down", Retry_After="1") if server.hits[self.path] == 1 else self.send(200, PAGE)

            def client_hung_up(self, within: float) -> bool:
                """Wait up to `within` seconds for the client to close the connection (EOF or reset)."""
                ready, _, _ = select.select([self.connection], [], [], within)
                try:
                    return bool(ready) and self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    return True

            def route_slow(
                self,
            ) -> None:  # no first byte until the client gives up (or 30 s, for a client that never does)
                if self.client_hung_up(within=30.0):
                    server.hung_up[self.path] += 1
                    self.close_connection = True
                    return
                self.send(200, PAGE)

            def route_reset(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(PAGE[:200])
                self.wfile.flush()
                self.connection.shutdown(2)
                self.close_connection = True

            def route_truncated_gzip(self) -> None:
                data = gzip.compress(PAGE)[:-40]
                self.send(200, data, Content_Encoding="gzip")

            def route_html_flood_gzip(self) -> None:
                self.send(200, html_flood("gzip"), Content_Encoding="gzip")

            def route_html_flood_br(self) -> None:
                self.send(200, html_flood("br"), Content_Encoding="br")

            def route_gzip_bomb(self) -> None:
                self.send(200, gzip_bomb(), Content_Encoding="gzip")

            def route_huge(self) -> None:
                total = 50 * 1024 * 1024
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()  # no Content-Length: the client must count
                chunk = b"x" * 65536
                try:
                    for _ in range(total // len(chunk)):
                        self.wfile.write(chunk)
                        server.bytes_sent[self.path] += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def route_loop_a(self) -> None:
                self.send(302, b"", Location="/loop-b")

            def route_loop_b(self) -> None:
                self.send(302, b"", Location="/loop-a")

            def route_etag(self) -> None:
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send(304, b"", ETag='"v1"', Content_Length="0")
                else:
                    self.send(200, PAGE, ETag='"v1"', Last_Modified="Mon, 01 Nov 2021 10:00:00 GMT")

            def route_mislabelled(self) -> None:
                body = (
                    "<html><head><meta charset='utf-8'><title>Zürich – Iran’s network</title></head><body><article><h1>Zürich – Iran’s network</h1>".encode()
                    + "<p>We removed 5 Facebook accounts in Zürich’s café.</p>".encode() * 10
                    + b"</article></body></html>"
                )
                self.send(200, body, Content_Type="text/html; charset=iso-8859-1")

            # --- content codings -------------------------------------------------------------
            def route_enc_gzip(self) -> None:
                self.send(200, gzip.compress(PAGE), Content_Encoding="gzip")

            def route_enc_deflate(self) -> None:
                self.send(200, zlib.compress(PAGE), Content_Encoding="deflate")

            def route_enc_raw_deflate(self) -> None:
                raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
                self.send(200, raw.compress(PAGE) + raw.flush(), Content_Encoding="deflate")

            def route_enc_br(self) -> None:
                self.send(200, brotli.compress(PAGE), Content_Encoding="br")

            def route_enc_gzip_br(self) -> None:
                self.send(200, brotli.compress(gzip.compress(PAGE)), Content_Encoding="gzip, br")

            def route_enc_zstd(self) -> None:  # never asked for: a server that sends it anyway
                self.send(200, b"\x28\xb5\x2f\xfd" + PAGE, Content_Encoding="zstd")

            def route_enc_compress(self) -> None:
                self.send(200, PAGE, Content_Encoding="compress")

            def route_brotli_bomb(self) -> None:
                self.send(200, brotli_bomb(), Content_Encoding="br")

            def route_deflate_bomb(self) -> None:
                self.send(200, deflate_bomb(), Content_Encoding="deflate")

            def route_truncated_br(self) -> None:
                self.send(200, brotli.compress(PAGE)[:-10], Content_Encoding="br")

            def route_corrupt_gzip(self) -> None:
                self.send(200, b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, Content_Encoding="gzip")

            # --- time ------------------------------------------------------------------------
            def route_drip(self) -> None:  # one byte at a time, each within read_timeout, never done in time
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                try:
                    for byte in PAGE:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    server.hung_up[self.path] += 1
                self.close_connection = True

            # --- framing and size --------------------------------------------------------------
            def route_endless_chunks(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"<p>" + b"y" * 65530 + b"</p>"
                try:
                    while True:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def route_declared_huge(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
                self.close_connection = True

            def route_header_bomb(self) -> None:
                self.send_response(200)
                for i in range(2000):
                    self.send_header(f"X-Filler-{i}", "z" * 200)
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def route_not_http(self) -> None:
                self.wfile.write(b"SSH-2.0-OpenSSH_9.0 this is not HTTP\r\n\r\n")
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True

            def route_empty(self) -> None:
                self.send(200, b"")

            def route_binary(self) -> None:
                self.send(200, bytes(range(256)) * 64, Content_Type="application/octet-stream")

            # --- redirects -----------------------------------------------------------------------
            def route_redirect_credentials(self) -> None:
                host, port = self.server.server_address[:2]
                self.send(302, b"", Location=f"http://admin:hunter2secret@{host}:{port}/ok")

            def route_redirect_to_ok(self) -> None:
                self.send(301, b"", Location="/ok")

            # --- documents -------------------------------------------------------------------------
            def route_control_chars(self) -> None:
                self.send(200, CONTROL_PAGE)

            def route_pdf_tree_bomb(self) -> None:
                self.send(200, page_tree_bomb(19), Content_Type="application/pdf")

            def route_pdf_content_bomb(self) -> None:
                self.send(200, pdf_content_bomb(), Content_Type="application/pdf")

            def route_feed_codings(self) -> None:
                host, port = self.server.server_address[:2]
                paths = ["/enc-gzip", "/enc-deflate", "/enc-br", "/enc-zstd"]
                self.send(200, feed_of(f"http://{host}:{port}", paths), Content_Type="application/rss+xml")

        self.site = LoopbackServer(Handler, name="faultserver")

    def url(self, path: str) -> str:
        return self.site.url(path)

    def __enter__(self) -> FaultServer:
        self.site.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.site.close()
