"""`takedowns decisions` lists what discovery kept and dropped, with the reasons, per source."""

from __future__ import annotations

import json

from ..conftest import run_cli
from .test_sources import FEED_SOURCE, cfg_with, newsroom, poll


def test_decisions_list_kept_and_dropped_with_reasons(site_server, tmp_path):
    newsroom(site_server)
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    empty = run_cli("decisions", "--config", cfg, "--json")
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    assert poll(cfg).exit_code == 0
    result = run_cli("decisions", "--source", "newsroom", "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    rows = {r["url"]: r for r in json.loads(result.stdout)}
    assert {r["source"] for r in rows.values()} == {"newsroom"}
    creators = rows[site_server.url("/news/2021/10/creators/")]
    assert creators["decision"] == "dropped" and "no keyword" in creators["reason"]
    kept = rows[site_server.url("/news/2021/10/cib-report/")]
    assert kept["decision"] == "kept" and "facebook_accounts=41" in kept["reason"] and kept["capture_id"]
    text = run_cli("decisions", "--config", cfg)
    assert text.exit_code == 0 and "dropped" in text.stdout and "no keyword" in text.stdout


def test_decisions_for_an_unknown_source_is_a_one_line_error(tmp_path, site_server):
    cfg = cfg_with(tmp_path, FEED_SOURCE.format(url=site_server.url("/feed/")))
    result = run_cli("decisions", "--source", "nosuch", "--config", cfg)
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("error: unknown source 'nosuch'") and "newsroom" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
