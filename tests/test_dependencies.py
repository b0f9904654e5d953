"""Declared dependencies equal imported ones.

Every third-party module that `scraper/` or `archive/` imports (at the top or inside a
function) must come from a distribution pyproject declares, in `dependencies` or a runtime
extra; and every declared distribution must be imported, unless it is needed at run time
without an import (listed below, with the reason). Otherwise a dropped dependency stays
declared for ever ("pypdf as fallback"), and an undeclared one works only because another
package happens to pull it in.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from .conftest import REPO

PACKAGES = ("scraper", "archive")
TOOLING_EXTRAS = {"test"}  # the test runner and linters: not imported by the package

# Declared, never imported, and still needed at run time.
USED_WITHOUT_IMPORT = {
    "lxml-html-clean": "lxml.html.clean (used by trafilatura through justext) is this distribution since lxml 5.2",
    "python-multipart": "starlette parses the review desk's form posts with it (starlette lists it only in its 'full' extra)",
}


def _name(requirement: str) -> str:
    """The PEP 503 normalised distribution name of a requirement string ("Protego>=0.3" -> "protego")."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        if extra not in TOOLING_EXTRAS:
            names |= {_name(r) for r in requirements}
    return names - {_name(project["name"])}  # an extra that includes another extra


def imported_modules() -> dict[str, str]:
    """Top-level third-party module -> the first file that imports it."""
    first_party = set(PACKAGES)
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "demo/sites" in path.as_posix():
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in first_party and top != "__future__":
                        found.setdefault(top, str(path.relative_to(REPO)))
    return found


def imported() -> dict[str, str]:
    """Distribution (normalised) -> the module and file that need it."""
    distributions = importlib.metadata.packages_distributions()
    needed: dict[str, str] = {}
    for module, where in imported_modules().items():
        names = distributions.get(module)
        assert names, f"{where} imports {module}, which no installed distribution provides: run `make install`"
        for name in names:
            needed.setdefault(_name(name), f"{module} ({where})")
    return needed


def test_every_imported_distribution_is_declared():
    missing = {name: why for name, why in imported().items() if name not in declared()}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_every_declared_distribution_is_imported_or_explained():
    unused = declared() - set(imported()) - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared in pyproject.toml but imported nowhere in {PACKAGES}: {sorted(unused)}"
    stale = set(USED_WITHOUT_IMPORT) - declared()
    assert not stale, f"USED_WITHOUT_IMPORT lists what pyproject no longer declares: {sorted(stale)}"


def test_no_private_module_of_a_dependency_is_imported():
    """`httpcore._backends.base` and the like change without notice between releases."""
    private = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module]
                    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    else []
                )
                for name in names:
                    top, *rest = name.split(".")
                    if top not in PACKAGES and any(part.startswith("_") and not part.startswith("__") for part in rest):
                        private.append(f"{path.relative_to(REPO)}: {name}")
    assert not private, private
