"""The docs: docs/cli.md generated from --help and current, the module map equal to the tree,
the site built with every link checked, the README short."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from scraper.cli import cli
from scraper.cli.reference import render

from .conftest import REPO


def test_cli_reference_is_current():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(cli), (
        "docs/cli.md is stale: run `make docs` (python -m scraper.cli.reference > docs/cli.md)"
    )


def test_cli_reference_covers_every_command():
    text = render(cli)
    for name, command in cli.commands.items():
        assert f"## takedowns {name}\n" in text
        for sub in getattr(command, "commands", {}):
            assert f"## takedowns {name} {sub}\n" in text


# --- the architecture map (docs/architecture.md, "## Module map") against the tree ---

PACKAGES = ("scraper", "archive")
REVISIONS = "archive/migrations/versions/"  # numbered revisions: the package is listed, not each file
_PATH = r"(?:scraper|archive)(?:/[\w.-]+)*/?"


def _in_tree(path: Path) -> bool:
    return "demo/sites" not in path.relative_to(REPO).as_posix()


def tree_packages() -> set[str]:
    """Every package folder of scraper/ and archive/, as `scraper/fetch/`."""
    return {
        init.parent.relative_to(REPO).as_posix() + "/"
        for package in PACKAGES
        for init in (REPO / package).rglob("__init__.py")
        if _in_tree(init)
    }


def tree_modules() -> set[str]:
    """Every module the map must list: all but `__init__.py` (described with its package) and revisions."""
    return {
        path.relative_to(REPO).as_posix()
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if _in_tree(path) and path.name != "__init__.py" and not path.relative_to(REPO).as_posix().startswith(REVISIONS)
    }


def module_map() -> tuple[dict[str, str], set[str], set[str]]:
    """(module -> the package heading it is listed under, package headings, every path the map mentions)."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "\n## Module map\n" in text, "docs/architecture.md has no '## Module map' section"
    section = text.split("\n## Module map\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    headings: set[str] = set()
    mentioned: set[str] = set()
    package = ""
    for line in section.splitlines():
        if heading := re.match(rf"^### `({_PATH})`\s*$", line):
            package = heading.group(1)
            headings.add(package)
        elif row := re.match(rf"^\| `({_PATH})` \|(.*)\|\s*$", line):
            assert row.group(2).strip(), f"the map's row for {row.group(1)} says nothing about its job"
            assert row.group(1) not in rows, f"the map lists {row.group(1)} twice"
            rows[row.group(1)] = package
        mentioned |= set(re.findall(rf"`({_PATH})`", line))
    return rows, headings, mentioned


def test_the_architecture_map_lists_every_module():
    rows, _, _ = module_map()
    missing = sorted(tree_modules() - set(rows))
    assert not missing, f"modules missing from docs/architecture.md's module map (add a row each): {missing}"


def test_the_architecture_map_lists_only_modules_that_exist():
    rows, _, mentioned = module_map()
    gone = sorted(set(rows) - tree_modules())
    assert not gone, f"docs/architecture.md's module map lists modules that do not exist: {gone}"
    dangling = sorted(p for p in mentioned if not (REPO / p).exists())
    assert not dangling, f"docs/architecture.md's module map names paths that do not exist: {dangling}"


def test_the_architecture_map_has_a_heading_per_package_and_rows_under_their_own():
    rows, headings, _ = module_map()
    assert headings == tree_packages() | {"scraper/", "archive/"}, (
        f"package headings missing: {sorted(tree_packages() - headings)}; "
        f"headings of no package: {sorted(headings - tree_packages() - {'scraper/', 'archive/'})}"
    )
    misplaced = {m: p for m, p in rows.items() if m.rsplit("/", 1)[0] + "/" != p}
    assert not misplaced, f"modules listed under another package's heading: {misplaced}"


# --- the documentation site and the README ---


def test_the_docs_site_builds_with_every_link_and_anchor_checked(tmp_path):
    """mkdocs.yml turns broken links, missing anchors and pages left out of the nav into warnings;
    --strict fails on any warning."""
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    assert mkdocs, "mkdocs is not installed: `make install` installs the test extras, which include it"
    proc = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "architecture" / "index.html").exists()


def test_the_readme_is_short_and_its_links_resolve():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = readme.count("\n")
    assert lines < 250, (
        f"README.md has {lines} lines: keep it to what the tool is, install, quickstart, where to read on"
    )
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "README.md links to no page of docs/"
    broken = [t for t in local if not (REPO / t.split("#", 1)[0]).exists()]
    assert not broken, f"README.md links to files that do not exist: {broken}"
