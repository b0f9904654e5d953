"""Several writers on one data folder: concurrent `fetch` processes beside a poll, on SQLite and PostgreSQL.

Every process must succeed, each content must be captured once, stub ids stay unique,
and every byte in the WARC folder is readable from the offsets the catalogue holds.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.warc import read_response

from ..conftest import make_config
from ..daemon.harness import ENV, TAKEDOWNS, publish, source_table
from ..helpers import SiteServer

PAGES = 4
FETCHERS = 8  # each page fetched by two processes at once


def _catalogue_rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.mark.timeout(600)  # nine Python processes starting at once on a shared 2-core machine
def test_concurrent_fetches_beside_a_poll(tmp_path: Path, catalogue_url: str) -> None:
    with SiteServer(tmp_path) as server:
        urls = publish(server, PAGES)
        config = make_config(tmp_path, source_table("newsroom", server.url("/feed.xml"), "1h"), catalogue=catalogue_url)
        base = [*TAKEDOWNS, "--config", str(config)]
        commands = [[*base, "fetch", "--json", urls[i % PAGES]] for i in range(FETCHERS)] + [[*base, "poll"]]
        procs = [
            subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=ENV)
            for c in commands
        ]
        results = [(p.args, *p.communicate(timeout=300), p.returncode) for p in procs]
    failures = [(args[-1], rc, err.strip()[-3000:]) for args, _out, err, rc in results if rc != 0]
    assert failures == [], "\n".join(map(str, failures))

    captures = _catalogue_rows(catalogue_url, "SELECT url, payload_sha256, warc_path, warc_offset FROM captures")
    assert sorted({url for url, *_ in captures}) == sorted(urls)
    assert [k for k, n in Counter((u, d) for u, d, *_ in captures).items() if n > 1] == []  # one capture per content
    data = tmp_path / "data"
    for _url, _digest, path, offset in captures:  # every catalogue offset reads back a whole record
        record = read_response(data / path, offset)
        assert record.raw_payload
    stub_ids = [r[0] for r in _catalogue_rows(catalogue_url, "SELECT stub_id FROM stubs")]
    assert stub_ids and len(stub_ids) == len(set(stub_ids))
    refs = _catalogue_rows(catalogue_url, "SELECT normalised_url FROM stub_references")
    assert len(refs) == len({r[0] for r in refs}) >= PAGES  # every report belongs to exactly one stub
    reports = _catalogue_rows(catalogue_url, "SELECT capture_id FROM reports")
    assert len(reports) == len(captures)

    warcs = sorted((data / "warc").glob("*.warc.gz"))
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    verify = subprocess.run(
        [*base, "archive", "verify", "--packages"], capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=300
    )
    assert verify.returncode == 0, (
        verify.stdout + verify.stderr
    )  # each capture's WACZ builds from its own block and validates
