"""Issue 28 items 2 and 3 on the desk, over real HTTP: a stub is split by network and two are joined
(merge) from the stub page, and the page shows what each reference states and a counts disagreement."""

from __future__ import annotations

import html
import json
from urllib.parse import unquote

import httpx

from ..conftest import make_config, run_cli
from ..stubs.takedown_pages import ORGS, PAGES
from ..stubs.test_operations import whole_bulletin_stub
from .conftest import serve_desk
from .test_http import csrf_of


def listed(cfg) -> dict[str, dict]:
    result = run_cli("stubs", "list", "--status", "new", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    return {"/".join(s["origin"]): s for s in json.loads(result.stdout)}


def test_split_by_network_and_join_from_the_stub_page(site_server, tmp_path):
    cfg = make_config(tmp_path, ORGS)
    kept = whole_bulletin_stub(site_server, cfg)
    with serve_desk(cfg) as base, httpx.Client() as client:
        token = csrf_of(client, base, kept)
        assert 'id="split-form"' in client.get(f"{base}/stubs/{kept}").text
        r = client.post(f"{base}/stubs/{kept}/split", data={"csrf": token})
        assert r.status_code == 303 and r.headers["location"].startswith(f"/stubs/{kept}?done=")
        stubs = listed(cfg)
        assert sorted(stubs) == ["Nigeria", "Venezuela"] and stubs["Venezuela"]["id"] == kept
        other = stubs["Nigeria"]["id"]
        page = client.get(f"{base}{r.headers['location']}").text
        assert "operation: Venezuela" in page and "youtube_channels = 12" in page
        assert "split" in unquote(r.headers["location"])

        r = client.post(f"{base}/stubs/{kept}/merge", data={"csrf": token, "other": other})
        assert r.status_code == 303
        assert list(listed(cfg)) == ["Venezuela/Nigeria"]

        r = client.post(
            f"{base}/stubs/{other}/split", data={"csrf": token}
        )  # a merged stub is not split: the error page says why
        assert r.status_code == 400 and "cannot split" in html.unescape(r.text)


def test_the_stub_page_shows_each_references_counts_and_flags_a_disagreement(site_server, tmp_path):
    cfg = make_config(tmp_path, ORGS)
    for name in ("platform", "wire"):
        path, body = PAGES[name]
        site_server.set(path, body)
        fetched = run_cli("fetch", site_server.url(path), "--config", cfg, "--json")
        assert fetched.exit_code == 0, fetched.stderr
    [stub] = listed(cfg).values()
    with serve_desk(cfg) as base:
        page = httpx.get(f"{base}/stubs/{stub['id']}").text
    assert 'id="counts-disagree"' in page
    assert "platform&#39;s own report" in page or "platform's own report" in page
    assert 'class="count-item differs">facebook_pages = 29 (stub: 14)' in page
