"""The lock files cover what pyproject.toml declares, at versions its ranges allow.

`make install` (and so CI) installs `requirements.lock`, `make run` installs
`requirements-run.lock`, both with `pip install --require-hashes`, then the project with
`--no-deps`: a dependency added to pyproject but not locked would be missing from every such
install, and one whose range was raised past its pin would be installed at a version the
project no longer supports. `make lock` rewrites both files.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def locked(name: str) -> dict[str, list[str]]:
    """Distribution (canonical name) -> its pinned versions (two when markers split a pin); every pin hashed."""
    pins: dict[str, list[str]] = {}
    text = (REPO / name).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if not match:
            continue
        assert "--hash=sha256:" in block, f"{name}: {match.group('name')} is pinned without a hash (`make lock`)"
        pins.setdefault(canonicalize_name(match.group("name")), []).append(match.group("version"))
    assert pins, f"{name} pins nothing"
    return pins


def declared(extras: bool) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    if extras:
        texts += [r for group in project["optional-dependencies"].values() for r in group]
    own = canonicalize_name(project["name"])
    return [r for r in map(Requirement, texts) if canonicalize_name(r.name) != own]


def uncovered(requirements: list[Requirement], pins: dict[str, list[str]]) -> list[str]:
    problems = []
    for req in requirements:
        versions = pins.get(canonicalize_name(req.name))
        if not versions:
            problems.append(f"{req} is not locked")
        elif bad := [v for v in versions if not req.specifier.contains(v, prereleases=True)]:
            problems.append(f"{req} is locked at {', '.join(bad)}")
    return problems


def test_the_lock_covers_every_dependency_and_extra():
    problems = uncovered(declared(extras=True), locked("requirements.lock"))
    assert not problems, f"requirements.lock is stale (run `make lock`): {problems}"


def test_the_run_lock_covers_the_default_dependencies():
    problems = uncovered(declared(extras=False), locked("requirements-run.lock"))
    assert not problems, f"requirements-run.lock is stale (run `make lock`): {problems}"


def test_the_two_locks_pin_the_same_versions():
    full, run = locked("requirements.lock"), locked("requirements-run.lock")
    differ = {name: (versions, full.get(name)) for name, versions in run.items() if versions != full.get(name)}
    assert not differ, f"requirements-run.lock and requirements.lock disagree (run `make lock`): {differ}"


def test_make_install_and_make_run_install_from_the_locks():
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes -r requirements-run.lock" in makefile
