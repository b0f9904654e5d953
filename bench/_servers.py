"""Loopback publisher sites for the benchmarks: many hosts (127.0.0.x), pages with ETags."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def page(host: str, n: int) -> bytes:
    return (
        f"<html><head><title>Report {n} on {host}</title></head><body><article><h1>Report {n}</h1>"
        + f"<p>We removed {n + 3} Facebook accounts, {n % 7 + 1} Pages and {n % 5} Groups for coordinated inauthentic behavior.</p>" * 30
        + "</article></body></html>"
    ).encode()


class Site:
    """One host: /robots.txt and /r/<n>.html with ETag / If-None-Match support."""

    def __init__(self, host: str):
        self.host = host
        self.statuses: list[int] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/robots.txt":
                    body, status, headers = b"User-agent: *\nAllow: /\n", 200, {"Content-Type": "text/plain"}
                else:
                    n = int(self.path.rsplit("/", 1)[-1].split(".")[0])
                    body = page(site.host, n)
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag}
                    status = 304 if self.headers.get("If-None-Match") == etag else 200
                    if status == 304:
                        body = b""
                    site.statuses.append(status)
                self.send_response(status)
                for k, v in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, n: int) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}/r/{n}.html"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
