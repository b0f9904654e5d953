"""`takedowns disarm update`: DISARM's files from a loopback server standing in for GitHub.

The server answers raw-file URLs (<raw_base>/<commit>/<path in DISARM's repository>) and the
API's commit lookup (<api_base>/commits/<ref>), serving DISARM's real files from ../shared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.config import load_config
from scraper.disarm.source import FILES, PINNED_COMMIT
from scraper.techniques.settings import TechniqueSettings

from ..conftest import SHARED, make_config, run_cli
from ..helpers import SiteServer, assert_one_line_error

REAL = {
    "DISARM_FRAMEWORKS_MASTER.xlsx": SHARED / "disarm" / "framework" / "DISARM_FRAMEWORKS_MASTER.xlsx",
    "DISARM.json": SHARED / "disarm" / "framework" / "DISARM.json",
    "DISARM_DATA_MASTER.xlsx": SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx",
}
NEWER = "0123456789abcdef0123456789abcdef01234567"  # a second commit the fake repository knows
TAG = "v1.6"


class FakeGitHub(SiteServer):
    def publish(self, commit: str, replace: dict[str, tuple[int, bytes]] | None = None) -> None:
        """Serve DISARM's three files at `commit`, some of them replaced by (status, body)."""
        for f in FILES:
            status, body = (replace or {}).get(f.name, (200, REAL[f.name].read_bytes()))
            self.set(f"/raw/{commit}/{f.repo_path}", body, status=status, content_type="application/octet-stream")

    def tag(self, name: str, commit: str) -> None:
        self.set(
            f"/api/commits/{name}",
            json.dumps({"sha": commit, "commit": {"message": "a release"}}),
            content_type="application/json",
        )


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeGitHub]:
    empty = tmp_path / "empty-site"
    empty.mkdir()
    with FakeGitHub(empty) as server:
        server.publish(PINNED_COMMIT)
        server.publish(NEWER)
        server.tag(TAG, NEWER)
        yield server


@pytest.fixture
def cfg(tmp_path: Path, github: FakeGitHub) -> Path:
    return make_config(tmp_path, f'[disarm]\nraw_base = "{github.url("/raw")}"\napi_base = "{github.url("/api")}"\n')


def _show(cfg: Path) -> dict:
    result = run_cli("disarm", "show", "--json", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _snapshot(data: Path) -> dict[str, bytes]:
    """Every file under <data>/disarm with its bytes, to prove a failure changed nothing."""
    root = data / "disarm"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_update_by_tag_stores_the_files_of_its_commit_and_they_are_used(cfg: Path, github: FakeGitHub, tmp_path: Path):
    assert _show(cfg)["origin"] == "packaged"
    result = run_cli("disarm", "update", "--ref", TAG, "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert NEWER in result.stdout and "attack-patterns" in result.stdout
    assert github.hits(f"/api/commits/{TAG}") == 1
    for f in FILES:  # every file fetched at the resolved commit, not at the moving tag
        assert github.hits(f"/raw/{NEWER}/{f.repo_path}") == 1

    shown = _show(cfg)
    assert (shown["origin"], shown["commit"], shown["ref"]) == ("downloaded", NEWER, TAG)
    folder = Path(shown["directory"])
    assert folder.parent == tmp_path / "data" / "disarm"
    source = json.loads((folder / "source.json").read_text())
    assert source["commit"] == NEWER and source["ref"] == TAG
    for f in FILES:
        assert (folder / f.name).read_bytes() == REAL[f.name].read_bytes()
    settings = TechniqueSettings.from_config(load_config(str(cfg)))
    assert (settings.framework, settings.stix_bundle, settings.mappings) == tuple(
        folder / n for n in ("DISARM_FRAMEWORKS_MASTER.xlsx", "DISARM.json", "DISARM_DATA_MASTER.xlsx")
    )

    status = run_cli("status", "--config", cfg)
    assert f"DISARM: downloaded DISARMFoundation/DISARMframeworks@{NEWER[:12]} (ref {TAG})" in status.stdout
    assert json.loads(run_cli("status", "--json", "--config", cfg).stdout)["disarm"]["commit"] == NEWER


def test_default_ref_is_the_pinned_commit_without_an_api_call(cfg: Path, github: FakeGitHub):
    result = run_cli("disarm", "update", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    assert _show(cfg)["commit"] == PINNED_COMMIT
    assert not [p for _, p, _ in github.requests if p.startswith("/api/")]


TRUNCATED_XLSX = REAL["DISARM_FRAMEWORKS_MASTER.xlsx"].read_bytes()[:400_000]
BROKEN = {
    "truncated framework workbook": (
        {"DISARM_FRAMEWORKS_MASTER.xlsx": (200, TRUNCATED_XLSX)},
        3,
        "not a readable .xlsx workbook",
    ),
    "error page instead of the master": (
        {"DISARM_DATA_MASTER.xlsx": (200, b"<html><body>rate limited</body></html>")},
        3,
        "not a readable .xlsx workbook",
    ),
    "invalid JSON bundle": ({"DISARM.json": (200, b'{"type": "bundle", "objects": [')}, 3, "cannot read"),
    "JSON with no attack-patterns": (
        {"DISARM.json": (200, b'{"type": "bundle", "id": "bundle--1", "objects": []}')},
        3,
        "no DISARM attack-patterns",
    ),
    "master sheet missing": (
        {"DISARM_DATA_MASTER.xlsx": (200, REAL["DISARM_FRAMEWORKS_MASTER.xlsx"].read_bytes())},
        3,
        "has no sheet 'incidents'",
    ),
    "404 for the master": ({"DISARM_DATA_MASTER.xlsx": (404, b"404: Not Found")}, 3, "answered HTTP 404"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_download_replaces_nothing(case: str, cfg: Path, github: FakeGitHub, tmp_path: Path):
    assert run_cli("disarm", "update", "--config", cfg).exit_code == 0
    before = _snapshot(tmp_path / "data")
    replace, code, fragment = BROKEN[case]
    github.publish(NEWER, replace)

    result = run_cli("disarm", "update", "--ref", NEWER, "--config", cfg)
    assert result.exit_code == code
    assert_one_line_error(result, fragment, "nothing was replaced")
    assert _snapshot(tmp_path / "data") == before  # same files, same bytes, no staging folder left
    assert (_show(cfg)["origin"], _show(cfg)["commit"]) == ("downloaded", PINNED_COMMIT)


def test_a_broken_first_download_leaves_the_packaged_snapshot_in_use(cfg: Path, github: FakeGitHub, tmp_path: Path):
    github.publish(NEWER, {"DISARM.json": (200, b"not json")})
    result = run_cli("disarm", "update", "--ref", NEWER, "--config", cfg)
    assert result.exit_code == 3
    assert _show(cfg)["origin"] == "packaged"
    assert not [p for p in (tmp_path / "data" / "disarm").iterdir() if p.name != "current.json"]


def test_unknown_tag_and_bad_ref_are_one_line_errors(cfg: Path, github: FakeGitHub):
    result = run_cli("disarm", "update", "--ref", "v9.9", "--config", cfg)
    assert result.exit_code == 2
    assert_one_line_error(result, "no tag, branch or commit 'v9.9'")
    result = run_cli("disarm", "update", "--ref", "../../etc", "--config", cfg)
    assert result.exit_code == 2
    assert_one_line_error(result, "is not a tag, branch or commit name")


def test_config_paths_win_per_file_over_the_download(cfg: Path, tmp_path: Path):
    assert run_cli("disarm", "update", "--config", cfg).exit_code == 0
    mine = tmp_path / "mine.json"
    mine.write_bytes(REAL["DISARM.json"].read_bytes())
    text = cfg.read_text() + f'\n[techniques]\nstix_bundle = "{mine}"\n'
    cfg.write_text(text)
    shown = _show(cfg)
    assert shown["origin"] == "downloaded" and shown["config_overrides"] == ["stix_bundle"]
    assert shown["files"]["stix_bundle"] == str(mine)
    assert Path(shown["files"]["framework"]).parent == Path(shown["directory"])
    assert "from config.toml: stix_bundle" in run_cli("status", "--config", cfg).stdout


def test_an_unreadable_pointer_falls_back_to_the_snapshot_and_says_so(cfg: Path, tmp_path: Path):
    assert run_cli("disarm", "update", "--config", cfg).exit_code == 0
    (tmp_path / "data" / "disarm" / "current.json").write_text("{not json")
    shown = _show(cfg)
    assert shown["origin"] == "packaged" and "run `takedowns disarm update` again" in shown["problem"]


def test_two_updates_at_once_leave_one_complete_copy_in_use(cfg: Path, tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    from scraper.disarm.update import update

    config = load_config(str(cfg))
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda ref: update(config, ref), [PINNED_COMMIT, NEWER]))
    root = tmp_path / "data" / "disarm"
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(
        d.directory.name for d in done
    )  # no staging left
    shown = _show(cfg)
    assert shown["commit"] in (PINNED_COMMIT, NEWER) and Path(shown["directory"]) in [d.directory for d in done]
    for d in done:
        assert json.loads((d.directory / "source.json").read_text())["commit"] == d.commit
        for f in FILES:
            assert (d.directory / f.name).read_bytes() == REAL[f.name].read_bytes()


def test_an_update_killed_mid_download_replaces_nothing(cfg: Path, github: FakeGitHub, tmp_path: Path):
    import os
    import subprocess
    import sys
    import threading

    from ..conftest import REPO
    from ..helpers import Route

    assert run_cli("disarm", "update", "--config", cfg).exit_code == 0
    before = _snapshot(tmp_path / "data")
    asked, release = threading.Event(), threading.Event()
    master = next(f for f in FILES if f.key == "mappings")

    def stall(request):  # the last file: answer only once the client is dead
        asked.set()
        release.wait(timeout=60)
        return Route(200, REAL[master.name].read_bytes(), {"Content-Type": "application/octet-stream"})

    github.routes[f"/raw/{NEWER}/{master.repo_path}"] = stall
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper", "--config", str(cfg), "disarm", "update", "--ref", NEWER],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert asked.wait(timeout=60), "the update never asked for the incidents master"
        proc.kill()
        proc.wait(timeout=30)
    finally:
        release.set()
    after = _snapshot(tmp_path / "data")
    staged = {k for k in after if k.startswith(".incoming-")}
    assert staged  # the killed process's staging folder, with the two files it had...
    assert {k: v for k, v in after.items() if k not in staged} == before  # ...and nothing else changed
    assert (_show(cfg)["origin"], _show(cfg)["commit"]) == ("downloaded", PINNED_COMMIT)
    # the next update installs the newer commit and removes the dead process's staging folder
    assert run_cli("disarm", "update", "--ref", NEWER, "--config", cfg).exit_code == 0
    assert _show(cfg)["commit"] == NEWER
    assert not [p for p in (tmp_path / "data" / "disarm").iterdir() if p.name.startswith(".incoming-")]
