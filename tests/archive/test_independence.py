"""The storage library (`archive/`) stands alone: nothing under it imports `scraper`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import archive

ARCHIVE_DIR = Path(archive.__file__).parent


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):  # every import, including ones inside functions
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_under_archive_imports_scraper():
    modules = sorted(ARCHIVE_DIR.rglob("*.py"))
    assert len(modules) > 10  # the walk really found the package, migrations included
    offenders = [
        str(p.relative_to(ARCHIVE_DIR))
        for p in modules
        if "scraper" in _imported_roots(ast.parse(p.read_text(), str(p)))
    ]
    assert offenders == []


def test_the_walk_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from scraper.errors import UserError\n    import scraper.config\n")
    assert _imported_roots(tree) == {"scraper"}


def test_archive_imports_without_scraper_loaded():
    code = (
        "import sys, archive.catalogue, archive.warc, archive.wacz, archive.wayback, archive.verify, archive.migrate\n"
        "assert not [m for m in sys.modules if m == 'scraper' or m.startswith('scraper.')], sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
