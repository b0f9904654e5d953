"""`takedowns fetch URL --render` against loopback pages: Debian Chromium, every request recorded."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.config import load_config
from scraper.fetch import safety
from scraper.fetch.browser import BrowserPool, Rendered, RenderSettings, render_unavailable
from scraper.fetch.client import HttpClient

from ..conftest import SiteServer, make_config, run_cli

pytestmark = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)

SENTENCE = "Today we removed 41 Facebook accounts and 7 Instagram accounts for coordinated inauthentic behavior."
PAGE = """<html lang="en"><head><title>Scripted takedown</title>
<style>html,body{margin:0;height:1500px;overflow:hidden}</style></head>
<body><article id="a"><h1>Scripted takedown</h1></article>
<img src="%(asset)s">
<script>
const p = document.createElement('p');
p.textContent = %(sentence)s + ' The operators posed as local journalists and wrote about regional politics in several languages. Our investigators traced shared administrators and identical posting schedules across the assets.';
document.getElementById('a').appendChild(p);
</script></body></html>"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _records(warc_dir: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as f:
            for r in ArchiveIterator(f):
                out.append((r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or ""))
    return out


def test_rendered_capture(tmp_path: Path) -> None:
    with SiteServer(tmp_path / "s1") as site, SiteServer(tmp_path / "s2") as assets:
        asset = assets.url("/pixel.png")
        assets.set("/pixel.png", PNG_1PX, content_type="image/png")
        site.set("/report", PAGE % {"asset": asset, "sentence": json.dumps(SENTENCE)})
        plain_cfg = make_config(tmp_path / "plain", "")
        plain = run_cli("--config", plain_cfg, "fetch", site.url("/report"), "--json")
        cfg = make_config(tmp_path / "r", "")
        result = run_cli("--config", cfg, "fetch", site.url("/report"), "--render", "--json")
        assert result.exit_code == 0, result.output + result.stderr
        data = json.loads(result.stdout)
        counts = [n["counts"] for n in data["networks"]]
        assert {"facebook_accounts": 41, "instagram_accounts": 7} in counts  # only after the script ran
        assert any("41 Facebook accounts" in e for n in data["networks"] for e in n["evidence"])
        plain_networks = json.loads(plain.stdout)["networks"] if plain.exit_code == 0 else []
        assert not any(n["counts"] for n in plain_networks)  # the same page without rendering: absent
        warc_dir = tmp_path / "r" / "data" / "warc"
        records = _records(warc_dir)
        uris = [u for _, u in records]
        assert ("response", site.url("/report")) in records and ("request", site.url("/report")) in records
        assert ("response", asset) in records and ("request", asset) in records
        assert any(u.startswith("urn:dom:") for u in uris) and any(u.startswith("urn:pageinfo:") for u in uris)
        shot = next(Path(p) for p in warc_dir.glob("*.warc.gz"))
        with open(shot, "rb") as f:
            png = next(
                r.content_stream().read()
                for r in ArchiveIterator(f)
                if (r.rec_headers.get_header("WARC-Target-URI") or "").startswith("urn:screenshot:")
            )
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (1280, 1500)
        for path in warc_dir.glob("*.warc.gz"):
            check = subprocess.run(
                [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())", "check", str(path)],
                capture_output=True,
                text=True,
            )
            assert check.returncode == 0, check.stdout + check.stderr
        wacz = tmp_path / "r.wacz"
        exported = run_cli("--config", cfg, "archive", "export", site.url("/report"), "-o", wacz)
        assert exported.exit_code == 0, exported.stderr
        validate = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from wacz.main import main; sys.exit(main(sys.argv[1:]))",
                "validate",
                "-f",
                str(wacz),
            ],
            capture_output=True,
            text=True,
        )
        assert validate.returncode == 0, validate.stdout + validate.stderr
        with zipfile.ZipFile(wacz) as z:
            pages = z.read("pages/pages.jsonl").decode().splitlines()
            assert json.loads(pages[1])["url"] == site.url("/report")
            index = "\n".join(
                (gzip.decompress(z.read(n)) if n.endswith(".gz") else z.read(n)).decode()
                for n in z.namelist()
                if n.startswith("indexes/")
            )
            assert "pixel.png" in index and "urn:screenshot:" in index


async def _other_is_private(host: str, port: int) -> list[str]:
    """A resolver hook: `other.test` stands for a host with a private address; the page's host is loopback."""
    return ["10.0.0.9"] if host == "other.test" else ["127.0.0.1"]


def test_refused_request_and_budget(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        safety, "is_public_address", lambda address: address == "127.0.0.1"
    )  # loopback plays the public site
    with SiteServer(tmp_path / "s1") as site, SiteServer(tmp_path / "s2") as other:
        other.set("/x.png", PNG_1PX, content_type="image/png")
        private_png = f"http://other.test:{urlsplit(other.url('/')).port}/x.png"
        site.set("/p", f"<html><head><title>t</title></head><body><p>hello</p><img src='{private_png}'></body></html>")
        config = load_config(str(make_config(tmp_path / "c", "")))
        http = replace(config.http, allow_private_networks=False)
        settings = replace(
            RenderSettings.from_config(config), budget_seconds=15.0, settle_seconds=0.0
        )  # ample: the refusal, not the budget, is tested

        async def run() -> Rendered:
            async with HttpClient(http, resolver=_other_is_private) as client:
                async with BrowserPool(settings, client) as pool:
                    return await pool.render(site.url("/p"), respect_robots=False)

        rendered = asyncio.run(run())
        assert other.hits("/x.png") == 0
        assert any("x.png" in r and "non-public address 10.0.0.9" in r for r in rendered.refused)
        assert "refused" in caplog.text and "x.png" in caplog.text
