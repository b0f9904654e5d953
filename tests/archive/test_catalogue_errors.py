"""A catalogue that cannot be opened: one line saying why, never the password, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.catalogue import redact_url
from tests.conftest import make_config, run_console

SECRET = "hunter2-catalogue-pw"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            f"postgresql+psycopg://curator:{SECRET}@127.0.0.1:1/takedowns",
            "connection",
        ),  # nothing listens on port 1
        (
            f"postgresql+psycopg2://curator:{SECRET}@127.0.0.1:1/takedowns",
            "psycopg2",
        ),  # a driver that is not installed
        (f"nosuchdb://curator:{SECRET}@host/takedowns", "invalid catalogue URL"),
    ],
)
def test_unopenable_catalogue_hides_password(tmp_path: Path, url: str, why: str) -> None:
    cfg = make_config(tmp_path, catalogue=url)
    commands = (["captures"], ["status"], ["run", "--once"]) if why == "connection" else (["captures"],)
    for args in commands:
        proc = run_console("--config", cfg, *args)
        assert proc.returncode != 0
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert why in proc.stderr and "***" in proc.stderr
        assert SECRET not in proc.stderr + proc.stdout
        assert "Traceback" not in proc.stderr


def test_wrong_password_on_a_real_server(tmp_path: Path, pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = make_url(pg_url).set(username="no_such_role", password=SECRET).render_as_string(hide_password=False)
    proc = run_console("--config", make_config(tmp_path, catalogue=wrong), "captures")
    assert proc.returncode == 5 and "no_such_role" in proc.stderr  # exits.CATALOGUE
    assert SECRET not in proc.stderr + proc.stdout


def test_redact_url() -> None:
    assert redact_url(f"postgresql+psycopg://u:{SECRET}@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    assert redact_url(f"bad url://u:{SECRET}@h/db") == "bad url://u:***@h/db"
    assert redact_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_nul_bytes_in_fetched_text_are_stored_on_both_back_ends(
    site_server, tmp_path: Path, catalogue_url: str
) -> None:
    """PostgreSQL refuses NUL in text; a page holding some is still stored, without them."""
    import json

    from sqlalchemy import create_engine, text

    from ..conftest import run_cli

    body = (
        "Network report\n\n"
        + "The operators posted about politics in several languages. " * 40
        + "\n\nWe removed 17 Facebook accounts\x00 and 3 Pages for coordinated inauthentic behavior.\x00\n"
    )
    site_server.set("/report.txt", body, content_type="text/plain; charset=utf-8")
    site_server.set(
        "/feed.xml",
        f"<rss version='2.0'><channel><title>n</title><item><title>A\x00 title</title><link>{site_server.url('/report.txt')}</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    cfg = make_config(
        tmp_path, f'[sources.news]\nkind = "feed"\nurl = "{site_server.url("/feed.xml")}"\n', catalogue=catalogue_url
    )
    result = run_cli("poll", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    [out] = json.loads(result.stdout)
    assert out["fetched"] == 1 and out["failed"] == 0, out
    engine = create_engine(catalogue_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM reports")).scalar_one()
    engine.dispose()
    report = data if isinstance(data, dict) else json.loads(data)
    assert "17 Facebook accounts" in report["text"]


def test_postgresql_stores_any_text_with_nul_dropped(pg_url: str) -> None:
    """Whatever a caller writes (a feed title, a reason, a header), NUL never fails a transaction."""
    from archive.catalogue import Catalogue
    from archive.clock import utcnow
    from archive.tables import DiscoveredItem

    catalogue = Catalogue(pg_url, migrate=True)
    try:
        with catalogue.session() as s:
            s.add(
                DiscoveredItem(
                    source="s",
                    url="https://example.org/a",
                    title="A\x00 title",
                    reason="bad\x00 byte",
                    first_seen_at=utcnow(),
                    last_seen_at=utcnow(),
                )
            )
        with catalogue.session() as s:
            item = s.query(DiscoveredItem).one()
            assert (item.title, item.reason) == ("A title", "bad byte")
    finally:
        catalogue.dispose()
