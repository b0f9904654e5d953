"""The desk's guards over plain HTTP: CSRF, auth, security headers, bind refusal, bad input."""

from __future__ import annotations

import re
import threading

import httpx
import pytest

from scraper.config import load_config
from scraper.errors import UserError
from scraper.web.settings import required_token, web_settings

from ..conftest import run_console
from .conftest import DFRLAB, desk_config, serve_desk

TOKEN = "desk-token-for-tests-0123456789"


def csrf_of(client: httpx.Client, base: str, stub_id: str) -> str:
    html = client.get(f"{base}/stubs/{stub_id}").text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_posts_without_a_valid_csrf_token_are_refused(desk):
    stub_id = desk.fetch(DFRLAB)["stub_id"]
    with httpx.Client() as client:
        token = csrf_of(client, desk.base, stub_id)  # the client now holds the cookie too
        for form in ({}, {"csrf": ""}, {"csrf": "x" * 43}):
            r = client.post(f"{desk.base}/stubs/{stub_id}/accept", data=form)
            assert r.status_code == 403 and r.text.startswith("error: missing or wrong CSRF token"), form
        # the right token without the browser's cookie (a forged cross-site form) is refused too
        r = httpx.post(f"{desk.base}/stubs/{stub_id}/reject", data={"csrf": token, "reason": "forged"})
        assert r.status_code == 403
        r = client.post(
            f"{desk.base}/stubs/{stub_id}/accept", data={"csrf": token}, headers={"Origin": "http://evil.example"}
        )
        assert r.status_code == 403 and "cross-site" in r.text
        assert client.get(f"{desk.base}/stubs/{stub_id}/accept").status_code == 405  # no state change by GET
        assert client.request("DELETE", f"{desk.base}/stubs/{stub_id}").status_code == 405
        assert desk.stubs()[stub_id]["status"] == "new"
        r = client.post(f"{desk.base}/stubs/{stub_id}/accept", data={"csrf": token})
        assert r.status_code == 303
    assert desk.stubs()[stub_id]["status"] == "accepted"


def test_every_response_carries_the_security_headers(desk):
    stub_id = desk.fetch(DFRLAB)["stub_id"]
    paths = [
        "/queue",
        f"/stubs/{stub_id}",
        "/stubs/TA-99999",
        "/sources",
        "/static/desk.js",
        "/captures/1",
        "/captures/1/replay",
        "/nowhere",
        "/export/stubs.xlsx",
    ]
    for path in paths:
        r = httpx.get(desk.base + path)
        assert r.headers["x-frame-options"] == "SAMEORIGIN", path
        assert r.headers["referrer-policy"] == "same-origin", path
        assert r.headers["x-content-type-options"] == "nosniff", path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp or csp.startswith("sandbox;"), path
        assert "unsafe-inline" not in csp.split("style-src")[0], path
    assert (
        httpx.get(desk.base + "/captures/1/replay")
        .headers["content-security-policy"]
        .startswith("sandbox; default-src 'none'")
    )
    missing = httpx.get(desk.base + "/stubs/TA-99999")
    assert missing.status_code == 404 and "error: no stub TA-99999" in missing.text
    assert httpx.get(desk.base + "/captures/424242").status_code == 404
    assert httpx.get(desk.base + "/export/secrets.txt").status_code == 404
    assert httpx.get(desk.base + "/queue?page=-3&from=not-a-date&status=bogus").status_code == 200


def test_huge_numbers_in_paths_and_pages_are_not_found_or_refused(desk):
    """Past the catalogue's 64-bit ids (or Python's 4,300-digit int limit) a number is an unknown capture or
    a bad page, never a server error."""
    desk.fetch(DFRLAB)
    huge, endless = str(2**64), "9" * 5000
    with httpx.Client() as client:
        for number in (huge, endless):
            for path in (f"/captures/{number}", f"/captures/{number}/replay", f"/captures/{number}/wacz"):
                r = client.get(desk.base + path)
                assert r.status_code == 404, (path[:40], r.status_code, r.text[:200])
            r = client.get(f"{desk.base}/queue", params={"page": number})
            assert r.status_code in (200, 400), (number[:20], r.status_code, r.text[:200])
        r = client.get(f"{desk.base}/queue", params={"page": huge})
        assert r.status_code == 400 and "page" in r.text, r.text[:300]


def test_an_open_desk_answers_only_loopback_host_names(desk):
    assert httpx.get(desk.base + "/queue").status_code == 200
    assert httpx.get(desk.base + "/queue", headers={"Host": "localhost:1234"}).status_code == 200
    r = httpx.get(desk.base + "/queue", headers={"Host": "attacker.example"})  # DNS rebinding
    assert r.status_code == 421


def test_a_token_is_required_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKEDOWNS_WEB_TOKEN", TOKEN)
    cfg = desk_config(tmp_path, '[web]\nauth = "token"\n')
    with serve_desk(cfg) as base:
        assert httpx.get(base + "/queue").status_code == 401
        assert httpx.get(base + "/static/desk.css").status_code == 401
        assert httpx.get(base + "/queue", auth=("curator", "wrong-token-wrong-token")).status_code == 401
        assert httpx.get(base + "/queue", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert httpx.get(base + "/queue", auth=("curator", TOKEN)).status_code == 200
        assert httpx.get(base + "/queue", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert httpx.get(base + "/queue", headers={"Host": "desk.example.org"}, auth=("c", TOKEN)).status_code == 200
        assert "Basic" in httpx.get(base + "/queue").headers["www-authenticate"]


def test_non_loopback_bind_without_auth_refuses_to_start(tmp_path):
    cfg = desk_config(tmp_path)
    env = {k: v for k, v in __import__("os").environ.items() if k != "TAKEDOWNS_WEB_TOKEN"}
    done = run_console("serve", "--host", "0.0.0.0", "--port", "0", "--config", cfg, env=env)
    assert done.returncode != 0
    assert done.stderr.strip().startswith("error: refusing to serve the desk on 0.0.0.0 without authentication")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    settings = web_settings(load_config(str(cfg)))
    for host in ("192.168.1.10", "::", "desk.example.org"):
        with pytest.raises(UserError):
            required_token(settings, host)
    assert required_token(settings, "127.0.0.1") is None and required_token(settings, "::1") is None


def test_bad_web_settings_and_busy_port_are_one_line_errors(tmp_path):
    cfg = desk_config(tmp_path / "a", '[web]\nauth = "maybe"\n')
    done = run_console("serve", "--config", cfg)
    assert (
        done.returncode != 0
        and done.stderr.strip() == f"error: {cfg}: [web] auth must be one of auto, token, got 'maybe'"
    )
    cfg = desk_config(tmp_path / "b")
    with serve_desk(cfg) as base:
        port = base.rsplit(":", 1)[1]
        done = run_console("serve", "--port", port, "--config", cfg)
    assert done.returncode != 0 and done.stderr.strip().startswith(f"error: cannot serve the desk on 127.0.0.1:{port}")


def test_the_daemon_serves_the_desk_when_enabled(tmp_path):
    from scraper.web.server import bind, desk_beside_daemon

    probe = bind("127.0.0.1", 0)
    port = probe.getsockname()[1]
    probe.close()
    cfg = load_config(str(desk_config(tmp_path, f"[web]\nenabled = true\nport = {port}\n")))
    with desk_beside_daemon(cfg):
        for _ in range(200):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/queue")
                break
            except httpx.ConnectError:
                threading.Event().wait(0.05)
        assert r.status_code == 200 and "Stubs to review" in r.text
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/queue")


def test_behind_a_reverse_proxy_that_passes_the_host_the_desk_works_as_the_deploy_files_say(
    tmp_path, monkeypatch, sites
):
    """Dockerfile and deploy/takedowns.service: loopback bind, token set, a TLS proxy passing the
    browser's Host. A proxy that rewrites Host to the upstream address breaks POSTs (Origin check)."""
    from .conftest import Desk

    monkeypatch.setenv("TAKEDOWNS_WEB_TOKEN", TOKEN)
    cfg = desk_config(tmp_path, '[web]\nauth = "token"\n')
    with serve_desk(cfg) as base:
        stub_id = Desk(base, cfg, sites).fetch(DFRLAB)["stub_id"]
        proxied = {"Host": "desk.example.org", "X-Forwarded-Proto": "https"}
        with httpx.Client(auth=("curator", TOKEN), headers=proxied) as client:
            token = csrf_of(client, base, stub_id)
            rewritten = {"Host": base.split("://", 1)[1], "Origin": "https://desk.example.org"}  # nginx's default Host
            r = client.post(f"{base}/stubs/{stub_id}/accept", data={"csrf": token}, headers=rewritten)
            assert r.status_code == 403 and "cross-site" in r.text
            r = client.post(
                f"{base}/stubs/{stub_id}/accept", data={"csrf": token}, headers={"Origin": "https://desk.example.org"}
            )
            assert r.status_code == 303
        assert Desk(base, cfg, sites).stubs()[stub_id]["status"] == "accepted"


@pytest.mark.parametrize("path", ["Dockerfile", "deploy/takedowns.service"])
def test_the_deploy_files_say_how_to_expose_the_desk(path):
    from pathlib import Path

    from scraper.web.settings import WebSettings

    text = (Path(__file__).resolve().parents[2] / path).read_text()
    defaults = WebSettings()
    for needed in (
        defaults.token_env,
        "[web] enabled = true",
        "host",
        str(defaults.port),
        "proxy_set_header Host $host",
        "ssh -L",
    ):
        assert needed in text, (path, needed)
