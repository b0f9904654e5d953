"""Imports run one way: no cycle between modules or units, no import from a lower layer to a higher
one, and no import of our own modules hidden inside a function unless `DEFERRED` says why.

The layers are listed in tests/layering.py and in docs/architecture.md ("Layers").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from . import layering
from .layering import DEFERRED, LAYERS, Edge, cycles, describe, edges, layer_of, unit, unit_graph

DOCS = Path(__file__).resolve().parent.parent / "docs"
ARCHITECTURE = DOCS / "architecture.md"


@pytest.fixture(scope="module")
def found() -> list[Edge]:
    return edges()


def test_no_cycle_between_modules(found):
    assert cycles({(e.source, e.target) for e in found}) == []


def test_no_cycle_between_units(found):
    graph = unit_graph(found)
    assert cycles({(a, b) for a, deps in graph.items() for b in deps}) == []


def test_no_import_runs_up_the_layers(found):
    assert [describe(e) for e in layering.upward(found)] == []


def test_no_own_import_inside_a_function_without_a_reason(found):
    assert [describe(e) for e in layering.unlisted_deferred(found)] == []


def test_every_deferred_import_listed_still_exists_and_says_why(found):
    deferred = {(e.source, e.target) for e in found if e.deferred}
    assert sorted(set(DEFERRED) - deferred) == []
    assert all(len(reason) > 20 for reason in DEFERRED.values())


def test_every_unit_has_a_layer_and_every_layer_unit_exists(found):
    units = {unit(m) for m in layering.modules()}
    for u in units:
        layer_of(u)  # raises for a unit in no layer
    listed = {u for _, members in LAYERS for u in members}
    assert sorted(listed - units) == []


def test_the_architecture_page_lists_the_same_layers():
    text = ARCHITECTURE.read_text()
    section = text[text.index("## Layers") :]
    rows = re.findall(r"^\| (\d+) \| [^|]+ \| ([^|]+) \|$", section, re.M)
    documented = [tuple(sorted(re.findall(r"`([\w.]+)`", units))) for _, units in rows]
    assert documented == [tuple(sorted(members)) for _, members in LAYERS]


def test_the_import_graph_page_is_current(found):
    assert (DOCS / "imports.md").read_text() == layering.page(found), "docs/imports.md is stale: run `make graph`"


# The walk itself, on small trees written here.


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_walk_sees_relative_deferred_and_type_checking_imports(tmp_path):
    _write(
        tmp_path,
        {
            "archive/__init__.py": "",
            "scraper/__init__.py": "",
            "scraper/errors.py": "from archive import tables\n",
            "archive/tables.py": "",
            "scraper/stubs/__init__.py": "from .store import refresh\n",
            "scraper/stubs/store.py": "def refresh():\n    from . import review\n",
            "scraper/stubs/review.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scraper.cli import x\n"
                "from ..errors import E\nimport scraper.stubs.store\n"
            ),
            "scraper/cli/__init__.py": "",
        },
    )
    got = {(e.source, e.target, e.deferred) for e in edges(tmp_path)}
    assert got == {
        ("scraper.errors", "archive.tables", False),
        ("scraper.stubs", "scraper.stubs.store", False),
        ("scraper.stubs.store", "scraper.stubs.review", True),
        ("scraper.stubs.review", "scraper.cli", False),
        ("scraper.stubs.review", "scraper.errors", False),
        ("scraper.stubs.review", "scraper.stubs.store", False),
    }
    found = edges(tmp_path)
    assert cycles({(e.source, e.target) for e in found}) == [["scraper.stubs.review", "scraper.stubs.store"]]
    assert [(e.source, e.target) for e in layering.upward(found)] == [("scraper.stubs.review", "scraper.cli")]
    assert [(e.source, e.target) for e in layering.unlisted_deferred(found)] == [
        ("scraper.stubs.store", "scraper.stubs.review")
    ]


def test_every_module_parses():
    for path in layering.modules().values():
        ast.parse(path.read_text(), str(path))
