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
def test_unopenable_catalogue_hides_password(
    tmp_path: Path, url: str, why: str
) -> None:
    cfg = make_config(tmp_path, catalogue=url)
    commands = (
        (["captures"], ["status"], ["run", "--once"])
        if why == "connection"
        else (["captures"],)
    )
    for args in commands:
        proc = run_console("--config", cfg, *args)
        assert proc.returncode != 0
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, (
            proc.stderr
        )
        assert why in proc.stderr and "***" in proc.stderr
        assert SECRET not in proc.stderr + proc.stdout
        assert "Traceback" not in proc.stderr


def test_wrong_password_on_a_real_server(tmp_path: Path, pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = (
        make_url(pg_url)
        .set(username="no_such_role", password=SECRET)
        .render_as_string(hide_password=False)
    )
    proc = run_console("--config", make_config(tmp_path, catalogue=wrong), "captures")
    assert proc.returncode == 5 and "no_such_role" in proc.stderr  # exits.CATALOGUE
    assert SECRET not in proc.stderr + proc.stdout


def test_redact_url() -> None:
    assert (
        redact_url(f"postgresql+psycopg://u:{SECRET}@h:5432/db")
        == "postgresql+psycopg://u:***@h:5432/db"
    )
    assert redact_url(f"bad url://u:{SECRET}@h/db") == "bad url://u:***@h/db"
    assert redact_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
