"""Issue 28 item 3: one stub per operation. A report naming networks of different origins makes a
stub for each (each citing the report); a curator splits a stub by network and joins two (merge),
from the CLI. The desk's split is in tests/web/test_operations_desk.py."""

from __future__ import annotations

import json
from pathlib import Path

from scraper.stubs.disarm_page import parse_page

from ..conftest import make_config, run_cli
from ..helpers import assert_one_line_error
from .takedown_pages import BULLETIN_PATH, NIGERIA, ORGS, VENEZUELA, bulletin

VENEZUELA_COUNTS = {"youtube_channels": 12}
NIGERIA_COUNTS = {"youtube_channels": 7, "blogs": 3}


def cli_json(cfg: Path, *args: str):
    result = run_cli(*args, "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_origin(cfg: Path) -> dict[str, dict]:
    return {"/".join(s["origin"]): s for s in cli_json(cfg, "stubs", "list", "--status", "new")}


def test_a_bulletin_naming_two_operations_makes_a_stub_for_each(site_server, tmp_path, catalogue_url):
    site_server.set(BULLETIN_PATH, bulletin(VENEZUELA, NIGERIA))
    cfg = make_config(tmp_path, ORGS, catalogue=catalogue_url)
    url = site_server.url(BULLETIN_PATH)
    out = cli_json(cfg, "fetch", url)
    stubs = by_origin(cfg)
    assert sorted(stubs) == ["Nigeria", "Venezuela"]  # one stub, "Venezuela/Nigeria", on main
    assert out["stub_action"] == "created" and len(out["stub_also"]) == 1
    venezuela, nigeria = stubs["Venezuela"], stubs["Nigeria"]
    assert (venezuela["targets"], venezuela["counts"]) == (["Colombia"], VENEZUELA_COUNTS)
    assert (nigeria["targets"], nigeria["counts"]) == (["Ghana"], NIGERIA_COUNTS)
    assert (
        venezuela["name"] == "TAG Bulletin: Q3 2022 (Venezuela)"
        and nigeria["name"] == "TAG Bulletin: Q3 2022 (Nigeria)"
    )
    assert "Nigeria" in nigeria["summary"] and "Venezuela" not in nigeria["summary"]
    for stub in (venezuela, nigeria):  # each cites the report
        assert [r["url"] for r in stub["references"]] == [url]
    assert {out["stub_id"], *out["stub_also"]} == {venezuela["id"], nigeria["id"]}
    again = cli_json(cfg, "fetch", url)
    assert again["stub_action"] == "unchanged" and len(by_origin(cfg)) == 2


def whole_bulletin_stub(site_server, cfg: Path) -> str:
    """A stub citing a bulletin whole, as a catalogue made before one stub per operation holds one:
    the bulletin named one operation when first fetched and a second when it was updated."""
    site_server.set(BULLETIN_PATH, bulletin(VENEZUELA))
    stub_id = cli_json(cfg, "fetch", site_server.url(BULLETIN_PATH))["stub_id"]
    site_server.set(BULLETIN_PATH, bulletin(VENEZUELA, NIGERIA))
    assert cli_json(cfg, "fetch", site_server.url(BULLETIN_PATH))["stub_action"] == "updated"
    [stub] = cli_json(cfg, "stubs", "list")
    assert stub["origin"] == ["Venezuela", "Nigeria"]  # two operations in one stub
    return stub_id


def test_split_by_network_then_join_with_merge(site_server, tmp_path, catalogue_url):
    cfg = make_config(tmp_path, ORGS, catalogue=catalogue_url)
    url = site_server.url(BULLETIN_PATH)
    kept = whole_bulletin_stub(site_server, cfg)
    done = cli_json(cfg, "stubs", "split", kept)
    assert (done["action"], done["id"], done["status"]) == ("split", kept, "new") and len(done["also"]) == 1
    [other] = done["also"]
    stubs = by_origin(cfg)
    assert (stubs["Venezuela"]["id"], stubs["Nigeria"]["id"]) == (kept, other)
    assert (stubs["Venezuela"]["counts"], stubs["Nigeria"]["counts"]) == (VENEZUELA_COUNTS, NIGERIA_COUNTS)
    assert stubs["Nigeria"]["targets"] == ["Ghana"] and stubs["Venezuela"]["targets"] == ["Colombia"]
    for stub in stubs.values():
        assert [r["url"] for r in stub["references"]] == [url]
    assert "split" in [h["kind"] for h in cli_json(cfg, "stubs", "show", kept)["history"]]
    assert "nothing to split" in assert_one_line_error(run_cli("stubs", "split", kept, "--config", cfg))

    joined = cli_json(cfg, "stubs", "merge", kept, other)
    assert joined["status"] == "new" and joined["also"] == [other]
    [stub] = cli_json(cfg, "stubs", "list", "--status", "new")
    assert stub["id"] == kept and stub["origin"] == ["Venezuela", "Nigeria"]
    assert stub["counts"] == {"youtube_channels": 12, "blogs": 3}  # each type's first stated count, as for any cluster
    page = parse_page(cli_json(cfg, "stubs", "show", kept)["page"])
    assert [r.url for r in page.references] == [url]  # one report, one row, even when it is cited for two operations
    assert page.notes.count("network 1") == 2  # each operation's counts and evidence are kept

    again = cli_json(cfg, "stubs", "split", kept)  # and it splits again
    assert sorted(by_origin(cfg)) == ["Nigeria", "Venezuela"] and again["also"]


def test_split_refuses_unknown_and_decided_stubs(site_server, tmp_path):
    cfg = make_config(tmp_path, ORGS)
    kept = whole_bulletin_stub(site_server, cfg)
    assert "no stub TA-09999" in assert_one_line_error(run_cli("stubs", "split", "TA-09999", "--config", cfg))
    cli_json(cfg, "stubs", "reject", kept, "--reason", "not an incident")
    line = assert_one_line_error(run_cli("stubs", "split", kept, "--config", cfg))
    assert "cannot split" in line and "rejected" in line and "reopen" in line


def test_joining_two_stubs_keeps_what_both_reports_say(site_server, tmp_path):
    """`stubs merge` is the join: the kept stub's origin, targets and counts come from both (on main the
    recomputed fields were reloaded away before the commit, so the kept stub still said only its own)."""
    site_server.set(BULLETIN_PATH, bulletin(VENEZUELA))
    site_server.set("/tag/bulletin-q4-2022/", bulletin(NIGERIA).replace("Q3 2022", "Q4 2022"))
    cfg = make_config(tmp_path, ORGS)
    a = cli_json(cfg, "fetch", site_server.url(BULLETIN_PATH))["stub_id"]
    b = cli_json(cfg, "fetch", site_server.url("/tag/bulletin-q4-2022/"))["stub_id"]
    assert a != b
    cli_json(cfg, "stubs", "merge", a, b)
    [stub] = cli_json(cfg, "stubs", "list", "--status", "new")
    assert (stub["id"], stub["origin"], stub["targets"]) == (a, ["Venezuela", "Nigeria"], ["Colombia", "Ghana"])
    assert stub["counts"] == {"youtube_channels": 12, "blogs": 3}
    assert "network 1: origin Nigeria" in cli_json(cfg, "stubs", "show", a)["page"]
