"""The review state machine, driven through the real CLI on a real SQLite catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.catalogue import Catalogue
from archive.tables import Stub
from scraper.config import load_config
from scraper.errors import UserError
from scraper.stubs import review
from scraper.stubs.disarm_page import parse_page

from ..conftest import run_cli
from .test_queue import PLATFORM_REPORT, config, fetch, serve_seeds, stubs


def cli_json(cfg: Path, *args: str) -> dict:
    result = run_cli("stubs", *args, "--config", cfg, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refused(cfg: Path, *args: str) -> str:
    result = run_cli("stubs", *args, "--config", cfg)
    assert result.exit_code != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def history(cfg: Path, stub_id: str) -> list[str]:
    return [h["kind"] for h in cli_json(cfg, "show", stub_id)["history"]]


@pytest.fixture
def two_stubs(site_server, tmp_path) -> tuple[Path, str, str]:
    cfg = config(tmp_path)
    dfrlab_url, wire_url = serve_seeds(site_server)
    a, b = fetch(cfg, dfrlab_url)["stub_id"], fetch(cfg, wire_url)["stub_id"]
    assert a != b
    return cfg, a, b


def test_merge_back_and_forth_is_refused_and_both_stay_exportable(two_stubs, tmp_path):
    cfg, a, b = two_stubs
    done = cli_json(cfg, "merge", a, b)
    assert done == {
        "action": "merge",
        "id": a,
        "status": "new",
        "disarm_id": None,
        "merged_into": None,
        "detail": f"merged {b} into {a}",
        "also": [b],
    }
    line = refused(cfg, "merge", b, a)
    assert f"merged into {a}" in line and "unmerge" in line
    assert {s["id"]: s["status"] for s in stubs(cfg)} == {a: "new", b: "merged"}
    out = tmp_path / "md"
    assert run_cli("stubs", "export", "--format", "md", "-o", out, "--config", cfg).exit_code == 0
    assert sorted(p.name for p in out.glob("*.md")) == [f"{a}.md"]
    assert cli_json(cfg, "accept", a)["status"] == "accepted"


def test_merge_keeps_the_kept_stubs_name(two_stubs):
    cfg, a, b = two_stubs
    names = {s["id"]: s["name"] for s in stubs(cfg)}
    assert names[a] != names[b]
    cli_json(cfg, "merge", b, a)  # keep the younger stub; the older one's references have lower ids
    [kept] = stubs(cfg, "--status", "new")
    assert kept["id"] == b and kept["name"] == names[b]
    assert len(kept["references"]) == 2
    assert sorted(str(r["merged_from"]) for r in kept["references"]) == sorted([a, "None"])


def test_unmerge_gives_back_references_status_and_name(two_stubs):
    cfg, a, b = two_stubs
    before = {s["id"]: s for s in stubs(cfg)}
    cli_json(cfg, "merge", a, b)
    undone = cli_json(cfg, "unmerge", b)
    assert (undone["id"], undone["status"], undone["merged_into"], undone["also"]) == (b, "new", None, [a])
    after = {s["id"]: s for s in stubs(cfg)}
    for sid in (a, b):
        assert after[sid]["status"] == "new" and after[sid]["merged_into"] is None
        assert [r["url"] for r in after[sid]["references"]] == [r["url"] for r in before[sid]["references"]]
        assert after[sid]["name"] == before[sid]["name"] and after[sid]["counts"] == before[sid]["counts"]
    assert history(cfg, a) == ["created", "merged", "unmerged"]
    assert history(cfg, b) == ["created", "merged", "unmerged"]
    assert "it is new" in refused(cfg, "unmerge", b)


def test_chained_merge_then_unmerge_of_the_middle_stub(site_server, tmp_path):
    cfg = config(tmp_path)
    dfrlab_url, wire_url = serve_seeds(site_server)
    site_server.set("/news/2020/01/other/", PLATFORM_REPORT.replace("2021-10-05", "2020-01-05").replace("Iran", "Peru"))
    a, b = fetch(cfg, dfrlab_url)["stub_id"], fetch(cfg, wire_url)["stub_id"]
    c = fetch(cfg, site_server.url("/news/2020/01/other/"))["stub_id"]
    assert len({a, b, c}) == 3
    cli_json(cfg, "merge", b, c)  # c into b
    cli_json(cfg, "merge", a, b)  # b (holding c) into a
    by_id = {s["id"]: s for s in stubs(cfg)}
    assert len(by_id[a]["references"]) == 3 and by_id[c]["merged_into"] == a
    cli_json(cfg, "unmerge", b)
    by_id = {s["id"]: s for s in stubs(cfg)}
    assert [r["url"] for r in by_id[b]["references"]] == [wire_url]
    assert len(by_id[a]["references"]) == 2 and by_id[c]["merged_into"] == a
    cli_json(cfg, "unmerge", c)
    assert {s["id"]: len(s["references"]) for s in stubs(cfg)} == {a: 1, b: 1, c: 1}


def test_accepting_twice_is_refused_and_logged_once(two_stubs):
    cfg, a, _ = two_stubs
    assert cli_json(cfg, "accept", a, "--disarm-id", "I00131")["disarm_id"] == "I00131"
    line = refused(cfg, "accept", a)
    assert "accepted" in line and f"stubs reopen {a}" in line
    assert history(cfg, a) == ["created", "accepted"]


def test_rejected_stub_cannot_be_merged_but_can_be_reopened(two_stubs):
    cfg, a, b = two_stubs
    assert cli_json(cfg, "reject", b, "--reason", "a retelling")["status"] == "rejected"
    assert "rejected" in refused(cfg, "merge", a, b)
    assert "rejected" in refused(cfg, "merge", b, a)
    reopened = cli_json(cfg, "reopen", b)
    assert reopened["status"] == "new" and "a retelling" in reopened["detail"]
    [stub] = [s for s in stubs(cfg) if s["id"] == b]
    assert stub["reject_reason"] is None
    cli_json(cfg, "merge", a, b)
    assert history(cfg, b) == ["created", "rejected", "reopened", "merged"]


# every command from every state: (command builder, states where it is allowed)
COMMANDS = {
    "accept": (lambda s, o: ["accept", s], {"new"}),
    "reject": (lambda s, o: ["reject", s, "--reason", "no"], {"new"}),
    "reopen": (lambda s, o: ["reopen", s], {"accepted", "rejected"}),
    "unmerge": (lambda s, o: ["unmerge", s], {"merged"}),
    "merge-as-other": (lambda s, o: ["merge", o, s], {"new"}),
    "merge-as-keep": (lambda s, o: ["merge", s, o], {"new", "accepted"}),
    "edit": (lambda s, o: ["edit", s, "--year-started", "2018"], {"new", "accepted"}),
}


def _put_in_state(cfg: Path, state: str, a: str, b: str) -> None:
    if state == "accepted":
        cli_json(cfg, "accept", a)
    elif state == "rejected":
        cli_json(cfg, "reject", a, "--reason", "not an IO")
    elif state == "merged":
        cli_json(cfg, "merge", b, a)


@pytest.mark.parametrize("state", ["new", "accepted", "rejected", "merged"])
def test_every_transition_outside_the_table_is_refused_without_a_trace(site_server, tmp_path, state):
    """Each command is tried on a stub in `state`; refused ones change nothing and log nothing."""
    base = tmp_path / "base"
    cfg = config(base)
    dfrlab_url, wire_url = serve_seeds(site_server)
    a, b = fetch(cfg, dfrlab_url)["stub_id"], fetch(cfg, wire_url)["stub_id"]
    _put_in_state(cfg, state, a, b)
    for name, (build, allowed) in COMMANDS.items():
        if state in allowed:
            continue
        case = tmp_path / name
        shutil.copytree(base, case)
        cfg = case / "config.toml"
        before = (stubs(cfg), history(cfg, a), history(cfg, b))
        line = refused(cfg, *build(a, b))
        assert state in line, (name, line)
        assert (stubs(cfg), history(cfg, a), history(cfg, b)) == before, name
    assert review.ALLOWED["accept"] == ("new",)  # the README's table is this one


def test_merge_into_itself_and_unknown_ids_are_one_line_errors(two_stubs):
    cfg, a, _ = two_stubs
    assert "itself" in refused(cfg, "merge", a, a)
    assert "no stub TA-99999" in refused(cfg, "unmerge", "TA-99999")
    assert "I00130" in refused(cfg, "accept", a, "--disarm-id", "130")
    assert "reason" in refused(cfg, "reject", a, "--reason", "  ")
    assert "nothing to edit" in refused(cfg, "edit", a)
    assert "four-digit" in refused(cfg, "edit", a, "--year-started", "soon")


def test_a_stale_decision_loses_to_the_one_that_committed_first(two_stubs):
    """Two desks load the same new stub; the second accept must not succeed nor log."""
    cfg, a, _ = two_stubs
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            loaded = s.query(Stub).filter_by(stub_id=a).one()  # the first desk shows the stub
        assert loaded.status == "new"
        review.reject(catalogue, a, "first desk")  # another desk decides and commits meanwhile
        with pytest.raises(UserError) as err, catalogue.session() as s:
            stale = s.merge(loaded, load=False)  # the first desk's accept still believes it is new
            review._claim(s, stale, "accept", "accept", "accepted")
        assert "it is rejected" in str(err.value)
    finally:
        catalogue.dispose()
    assert history(cfg, a) == ["created", "rejected"]


def test_edited_fields_survive_a_changed_report(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT)
    url = site_server.url("/news/2021/10/report/")
    sid = fetch(cfg, url)["stub_id"]
    edited = cli_json(cfg, "edit", sid, "--name", "IRGC-linked network in Iran", "--origin", "Iran, Iraq")
    assert edited["detail"] == "set name, origin"
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT.replace("15 Groups", "16 Groups"))
    assert fetch(cfg, url)["stub_action"] == "updated"
    [stub] = stubs(cfg)
    assert stub["name"] == "IRGC-linked network in Iran" and stub["origin"] == ["Iran", "Iraq"]
    assert stub["counts"]["facebook_groups"] == 16 and stub["edited_fields"] == ["name", "origin"]
    assert history(cfg, sid) == ["created", "edited", "updated"]


def test_every_stubs_command_speaks_json(two_stubs, tmp_path):
    cfg, a, b = two_stubs
    assert isinstance(cli_json(cfg, "list"), list)
    assert cli_json(cfg, "show", a)["id"] == a
    exported = cli_json(cfg, "export", "--format", "csv", "-o", str(tmp_path / "csv"))
    assert exported["stubs"] == 2 and len(exported["files"]) == 2
    for args in (
        ["accept", a],
        ["reopen", a],
        ["reject", a, "--reason", "x"],
        ["reopen", a],
        ["merge", a, b],
        ["unmerge", b],
        ["edit", a, "--summary", "s"],
    ):
        assert cli_json(cfg, *args)["id"] in (a, b)


def test_stub_ids_are_case_insensitive(two_stubs):
    cfg, a, _ = two_stubs
    assert cli_json(cfg, "show", a.lower())["id"] == a
    assert cli_json(cfg, "accept", a.lower(), "--disarm-id", "I09999")["status"] == "accepted"
    assert cli_json(cfg, "show", "i09999")["id"] == a


def test_a_disarm_id_in_the_master_sheet_is_refused_with_the_next_free_one(site_server, tmp_path):
    from ..conftest import SHARED

    cfg = config(tmp_path, f'[stubs]\ndisarm_master = "{SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx"}"\n')
    dfrlab_url, wire_url = serve_seeds(site_server)
    a, b = fetch(cfg, dfrlab_url)["stub_id"], fetch(cfg, wire_url)["stub_id"]
    result = run_cli("stubs", "accept", a, "--disarm-id", "I00001", "--config", cfg)
    assert result.exit_code == 2, result.stdout
    assert (
        result.stderr.strip() == "error: I00001 is already in DISARM's master sheet: the next free DISARM id is I00130"
    )
    assert history(cfg, a) == ["created"]  # nothing decided, nothing logged
    done = run_cli("stubs", "accept", a, "--disarm-id", "I00130", "--config", cfg)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == f"{a}: accepted as I00130"  # said once, not "accepted as I00130 (accepted as I00130)"
    line = refused(cfg, "accept", b, "--disarm-id", "I00130")
    assert line == f"error: I00130 is already assigned to stub {a}: the next free DISARM id is I00131"


def test_the_cli_history_shows_the_values_a_curator_set_as_the_desk_does(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT)
    sid = fetch(cfg, site_server.url("/news/2021/10/report/"))["stub_id"]
    assert run_cli("stubs", "edit", sid, "--origin", "Iran, Iraq", "--config", cfg).exit_code == 0
    shown = run_cli("stubs", "show", sid, "--config", cfg)
    assert shown.exit_code == 0, shown.stderr
    history_lines = shown.stdout.split("\nHistory:\n", 1)[1].splitlines()
    assert any(line.endswith("edited: curator set origin = Iran, Iraq (was Iran)") for line in history_lines), (
        history_lines
    )
    edits_part = shown.stdout.split("\nCurator edits", 1)[1].split("\nHistory:", 1)[0]
    assert "origin: Iran, Iraq; Iran; Iran" in edits_part  # edited to; extraction gave then; gives now
    [edit] = cli_json(cfg, "show", sid)["edits"]
    assert (edit["field"], edit["value"], edit["extracted"], edit["latest"]) == (
        "origin",
        ["Iran", "Iraq"],
        ["Iran"],
        ["Iran"],
    )


def test_curated_countries_resolve_to_the_stubs_form_or_are_refused_naming_the_closest(site_server, tmp_path):
    cfg = config(tmp_path)
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT)
    sid = fetch(cfg, site_server.url("/news/2021/10/report/"))["stub_id"]
    result = run_cli("stubs", "edit", sid, "--origin", "Narnia", "--config", cfg)
    assert (
        result.exit_code == 2
        and result.stderr.strip() == "error: origin: 'Narnia' is not a country name: did you mean Armenia?"
    )
    assert refused(cfg, "edit", sid, "--targets", "Iran, Atlantis").startswith(
        "error: targets: 'Atlantis' is not a country name"
    )
    assert history(cfg, sid) == ["created"]  # nothing stored
    cli_json(cfg, "edit", sid, "--origin", "china, usa", "--targets", "uk, EU")
    [stub] = stubs(cfg)
    assert stub["origin"] == ["China", "United States"] and stub["targets"] == ["United Kingdom", "EU"]
    page = parse_page(cli_json(cfg, "show", sid)["page"])
    assert (page.from_countries, page.to_countries) == ("China, USA", "UK, EU")  # DISARM's house style


def test_curated_counts_name_only_known_removed_asset_types(tmp_path):
    from scraper.stubs import curated

    for bad, message in (
        ({"made_up_thing": 4}, "'made_up_thing' is not a removed-asset type"),
        ({"facebook_followers": 42000}, "followers are not removed assets"),
        ({"facebook_acounts": 3}, "did you mean facebook_accounts?"),
    ):
        with pytest.raises(UserError, match=message):
            curated.counts(bad)
    assert curated.counts({"facebook_accounts": 93, "total_assets": 120}) == {
        "facebook_accounts": 93,
        "total_assets": 120,
    }
