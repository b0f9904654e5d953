"""A page that is big once decoded, yet under every cap, must not take the fetching process's memory with it.

Issue 26: a gzip page of 150 MiB decoded (under the 200 MiB `max_decompressed_bytes`, a few MB
on the wire) took `takedowns fetch` to about 700 MB: the decoded body was kept by the fetch,
joined from its pieces, decoded again from the WARC and pickled to the extraction worker. The
page is generated as it is served (never held whole, never committed), `takedowns fetch` runs in
the hostile driver (`hostile_driver.py`, which reads the command's own peak RSS, VmHWM), and the
capture must be stored and verify, its extraction done or recorded as over its limits.

Each case takes 10 to 20 s on a loaded machine, so both run in the default suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import Capture, FetchFailure
from scraper.config import load_config
from scraper.devserver import LoopbackServer, QuietHandler

from ..conftest import REPO
from .faults import feed_of

MIB = 2**20
BLOCK = b"".join(
    b"<p>Post %d of the network, removed on review: a line written for this test.</p>\n" % n for n in range(12_000)
)
HEAD = b"<!DOCTYPE html><html><head><title>Coordinated inauthentic behavior report</title></head><body><article>\n"
TAIL = b"</article></body></html>\n"

CONFIG = """[data]
dir = "data"

[http]
allow_private_networks = true
per_host_delay = 0.0

[extract]
cpu_seconds = 5

[archive.wayback]
enabled = false
"""


def big_page_site(decoded_bytes: int) -> type[BaseHTTPRequestHandler]:
    """A site whose every path is an HTML page of `decoded_bytes` bytes, gzipped and sent chunked as it is made."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            if self.path == "/robots.txt":
                return self.answer_text(404, b"none")
            if self.path == "/feed":
                return self.answer_text(
                    200, feed_of(f"http://{self.headers['Host']}", ["/report"]), "application/rss+xml"
                )
            self.send_response(200)
            for name, value in (
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ):
                self.send_header(name, value)
            self.end_headers()
            compressor = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            left = decoded_bytes - len(HEAD) - len(TAIL)
            self.chunk(compressor.compress(HEAD))
            while left > 0:
                piece = BLOCK[: min(left, len(BLOCK))]
                left -= len(piece)
                self.chunk(compressor.compress(piece))
            self.chunk(compressor.compress(TAIL) + compressor.flush())
            self.wfile.write(b"0\r\n\r\n")

        def chunk(self, data: bytes) -> None:
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        def answer_text(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def fetch_big_page(tmp_path: Path, decoded_bytes: int, *, poll: bool = False) -> tuple[dict, Path]:
    """`takedowns fetch` of the page (or `poll` of a feed listing it, with two extraction workers), run by the
    hostile driver: its result line (peak RSS included) and config."""
    cfg = tmp_path / "config.toml"
    with LoopbackServer(big_page_site(decoded_bytes)) as server:
        if poll:
            cfg.write_text(
                CONFIG.replace("[extract]\n", "[extract]\nworkers = 2\n")
                + f'\n[sources.big]\nkind = "feed"\nurl = "{server.url("/feed")}"\n'
            )
            args = ["poll", "--config", str(cfg), "--json"]
        else:
            cfg.write_text(CONFIG)
            args = ["fetch", server.url("/report"), "--config", str(cfg), "--json"]
        case = {"name": "big page", "args": args, "config": str(cfg)}
        done = subprocess.run(
            [sys.executable, "-m", "tests.fetch.hostile_driver"],
            input=json.dumps([case]),
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=600,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), cfg


def check_stored(line: dict, cfg: Path, decoded_bytes: int) -> None:
    """Stored, verified, and extracted or recorded as stopped at its limits (exit 4, one line); nothing crashed."""
    assert line["crash"] is None, line["crash"]
    assert line["exit_code"] in (0, 4), line["stderr"][-2000:]
    if line["exit_code"] == 4:
        assert "Traceback" not in line["stderr"]
        assert line["stderr"].rstrip("\n").splitlines()[-1].startswith("error: ") and "stored, but" in line["stderr"], (
            line["stderr"][-2000:]
        )
    assert line["verify_exit"] == 0, line["verify_output"]
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    with catalogue.session() as s:
        captures, failures = list(s.query(Capture)), list(s.query(FetchFailure))
        assert [(c.status, c.content_type) for c in captures] == [(200, "text/html")] and not failures
        assert 0 < captures[0].payload_length < decoded_bytes // 4  # stored as it came: gzipped
    catalogue.dispose()


MAX_RSS_MB = 300  # issue 26's goal for the fetching process, whatever the page
SIZE = 150 * MIB  # 157 MB once decoded, under the 200 MiB max_decompressed_bytes


@pytest.mark.timeout(300)
def test_150_mib_page_is_fetched_and_stored_under_300_mb(tmp_path: Path):
    line, cfg = fetch_big_page(tmp_path, SIZE)
    check_stored(line, cfg, SIZE)
    assert line["peak_rss_mb"] < MAX_RSS_MB, f"peak RSS {line['peak_rss_mb']:.0f} MB for a {SIZE / 1e6:.0f} MB page"


@pytest.mark.timeout(300)
def test_150_mib_page_polled_with_workers_is_stored_under_300_mb(tmp_path: Path):
    """The poll path: a worker builds the WARC records from the fetched bytes, which must not carry the decoded page."""
    line, cfg = fetch_big_page(tmp_path, SIZE, poll=True)
    assert line["crash"] is None and "Traceback" not in line["stderr"], line["crash"] or line["stderr"][-2000:]
    [source] = json.loads(line["stdout"])
    assert source["fetched"] + source["failed"] == 1 and all("stored, but" in e for e in source["errors"]), source
    check_stored(
        {**line, "exit_code": 0}, cfg, SIZE
    )  # a poll whose only item failed exits 1: its verdict is checked above
    assert line["peak_rss_mb"] < MAX_RSS_MB, f"peak RSS {line['peak_rss_mb']:.0f} MB for a {SIZE / 1e6:.0f} MB page"
