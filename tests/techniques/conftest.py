"""Shared set-up: DISARM's real framework and mappings (read-only, ../shared), a fitted model."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.techniques.framework import Technique, load_framework
from scraper.techniques.mappings import MappedIncident, load_mappings
from scraper.techniques.model import TechniqueModel

from ..conftest import SHARED

FRAMEWORK = SHARED / "disarm" / "framework" / "DISARM_FRAMEWORKS_MASTER.xlsx"
MASTER = SHARED / "disarm" / "DISARM_DATA_MASTER.xlsx"
BUNDLE = SHARED / "disarm" / "framework" / "DISARM.json"


def techniques_config(framework: Path = FRAMEWORK, mappings: Path = MASTER, bundle: Path = BUNDLE) -> str:
    return f'[techniques]\nframework = "{framework}"\nmappings = "{mappings}"\nstix_bundle = "{bundle}"\n'


@pytest.fixture(scope="session")
def framework() -> dict[str, Technique]:
    return load_framework(FRAMEWORK)


@pytest.fixture(scope="session")
def incidents(framework) -> list[MappedIncident]:
    return load_mappings(MASTER, framework)


@pytest.fixture(scope="session")
def model(framework, incidents) -> TechniqueModel:
    return TechniqueModel(framework, incidents)
