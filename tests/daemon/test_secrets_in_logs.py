"""No log level, format or command prints the Wayback keys or the catalogue password (#11 item 10).

Every command runs at -vvv (DEBUG, httpx/httpcore included) in both log formats; the
daemon runs as a real process. The keys are really used (the fake Wayback sees them)
and the catalogue URL really carries the password, so the checks are not vacuous.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ..archive.test_wayback import page, wayback, wb_config  # noqa: F401 (fixture)
from ..conftest import run_cli
from ..fakes.wayback import FakeWayback, Script
from .harness import ENV, TAKEDOWNS, publish, source_table

ACCESS = "acc-key-never-logged-7f3a"
SECRET = "wb-secret-never-logged-91c2"
DB_PASSWORD = "db-password-never-logged-5e8d"
SECRETS = (ACCESS, SECRET, DB_PASSWORD)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("WAYBACK_ACCESS_KEY", ACCESS)
    monkeypatch.setenv("WAYBACK_SECRET_KEY", SECRET)
    return {"WAYBACK_ACCESS_KEY": ACCESS, "WAYBACK_SECRET_KEY": SECRET}


def with_password(catalogue_url: str) -> str:
    """The test server trusts loopback logins, so any password is accepted and carried everywhere."""
    if catalogue_url.startswith("sqlite"):
        return catalogue_url
    return make_url(catalogue_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_no_command_at_any_level_prints_keys_or_password(
    site_server,
    wayback: FakeWayback,  # noqa: F811
    keys,
    tmp_path: Path,
    catalogue_url: str,
) -> None:
    catalogue = with_password(catalogue_url)
    cfg = wb_config(tmp_path, wayback)
    urls = publish(site_server, n=2)
    cfg.write_text(
        cfg.read_text()
        + f"\n[catalogue]\nurl = {json.dumps(catalogue)}\n"
        + source_table("newsroom", site_server.url("/feed.xml"), "1h")
    )
    report = page(site_server, "/report-with-retry")
    wayback.scripts[report] = Script(submit=["http500", "ok"], pending_polls=10**6)  # a retry, then a job left pending
    for url in urls:
        wayback.scripts[url] = Script(submit=["http500", "ok"])

    outputs = []
    for fmt in ("text", "json"):
        for args in (
            ("fetch", report, "--json"),
            ("poll", "--json"),
            ("archive", "pending"),
            ("status", "--json"),
            ("sources", "--json"),
        ):
            result = run_cli("-vvv", "--log-format", fmt, *args, "--config", cfg)
            assert result.exit_code == 0, (args, result.output)
            outputs.append(result.stdout + result.stderr)
    logged = "\n".join(outputs)
    assert (
        "debug" in logged.lower() and "HTTP Request: POST" in logged
    )  # DEBUG lines and Wayback calls were really logged
    assert wayback.posts() and all(p["headers"]["Authorization"] == f"LOW {ACCESS}:{SECRET}" for p in wayback.posts())
    assert leaks(logged) == []
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert not [s for s in SECRETS if s.encode() in path.read_bytes()], path


def test_the_daemon_at_debug_prints_neither(
    site_server,
    wayback: FakeWayback,  # noqa: F811
    keys,
    tmp_path: Path,
    catalogue_url: str,
) -> None:
    cfg = wb_config(tmp_path, wayback)
    urls = publish(site_server, n=2)
    for url in urls:
        wayback.scripts[url] = Script(submit=["http500", "ok"], pending_polls=2)
    cfg.write_text(
        cfg.read_text()
        + f"\n[catalogue]\nurl = {json.dumps(with_password(catalogue_url))}\n"
        + '\n[daemon]\nhousekeeping = "1s"\njitter_seconds = 0.0\ngrace_seconds = 2.0\n'
        + source_table("newsroom", site_server.url("/feed.xml"), "1h")
    )
    proc = subprocess.run(
        [*TAKEDOWNS, "-vvv", "--log-format", "json", "--config", str(cfg), "run", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**ENV, **keys, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert any(line.get("level", "").lower() == "debug" for line in lines), proc.stderr[-2000:]
    assert len(wayback.posts()) >= 2  # the keys were sent
    assert leaks(proc.stdout + proc.stderr) == []


def test_an_unreachable_catalogue_at_debug_hides_the_password(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[data]\ndir = "data"\n[catalogue]\nurl = "postgresql+psycopg://curator:{DB_PASSWORD}@127.0.0.1:1/takedowns"\n'
    )
    for fmt in ("text", "json"):
        for args in (("status",), ("run", "--once")):
            proc = subprocess.run(
                [*TAKEDOWNS, "-vvv", "--log-format", fmt, "--config", str(cfg), *args],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
                env={**ENV, "TAKEDOWNS_DEBUG": ""},
            )
            assert proc.returncode != 0 and "cannot open catalogue" in proc.stderr, (args, proc.stderr)
            assert DB_PASSWORD not in proc.stdout + proc.stderr, (args, proc.stderr)
