"""What a user installs: licence, metadata, default dependencies, DISARM data inside the package."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib

from scraper.config import load_config
from scraper.disarm.source import FILES, PINNED_COMMIT
from scraper.settings import SETTINGS
from scraper.techniques.settings import TechniqueSettings

from ..conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
DATA = REPO / "scraper" / "disarm" / "data"


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_licence_is_an_spdx_string_with_its_files():
    assert PROJECT["license"] == "MIT AND CC-BY-SA-4.0"  # code MIT; the shipped DISARM data CC BY-SA 4.0
    for name in PROJECT["license-files"]:
        assert (REPO / name).is_file(), name
    assert "MIT License" in (REPO / "LICENSE").read_text()
    assert (DATA / "LICENSE.md").read_text().startswith("Attribution-ShareAlike 4.0 International")
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # PEP 639: the expression says it


def test_metadata_has_urls_and_classifiers():
    assert {"Homepage", "DISARM framework"} <= set(PROJECT["urls"])
    assert "Programming Language :: Python :: 3.11" in PROJECT["classifiers"]


def test_the_desk_is_in_the_default_install_and_scikit_learn_is_not():
    default = _names(PROJECT["dependencies"])
    assert {"starlette", "jinja2", "uvicorn", "python-multipart", "markdown-it-py", "nh3"} <= default
    assert "scikit-learn" not in default and "playwright" not in default
    extras = PROJECT["optional-dependencies"]
    assert "scikit-learn" in _names(extras["disarm"])
    assert extras["all"] == ["takedown-archiver[disarm,render,postgres,s3,workers]"]


def test_nothing_points_at_the_checkouts_shared_folder():
    assert "../shared" not in (REPO / "config.toml").read_text()
    assert not [s.key for s in SETTINGS if isinstance(s.default, str) and "shared" in s.default]


def test_the_shipped_config_reads_disarm_from_the_package(tmp_path):
    shipped = tmp_path / "config.toml"
    shipped.write_text((REPO / "config.toml").read_text())  # as a user's copy, far from the checkout
    settings = TechniqueSettings.from_config(load_config(str(shipped)))
    assert (settings.framework, settings.stix_bundle, settings.mappings) == tuple(
        DATA / f.name for f in FILES if f.key == "framework"
    ) + tuple(DATA / f.name for f in FILES if f.key == "stix_bundle") + tuple(
        DATA / f.name for f in FILES if f.key == "mappings"
    )


def test_the_packaged_snapshot_is_the_pinned_commit_byte_for_byte():
    source = json.loads((DATA / "source.json").read_text())
    assert source["commit"] == PINNED_COMMIT and source["license"] == "CC-BY-SA-4.0"
    for f in FILES:
        data = (DATA / f.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source["files"][f.name]["sha256"], f.name
        assert source["paths"][f.name] == f.repo_path
    attribution = (DATA / "README.md").read_text()
    assert PINNED_COMMIT in attribution and "CC BY-SA 4.0" in attribution
    readme = (REPO / "README.md").read_text()
    assert "CC BY-SA 4.0" in readme and "scraper/disarm/data" in readme


def test_package_data_includes_the_snapshot():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "disarm/data/*" in pyproject["tool"]["setuptools"]["package-data"]["scraper"]
