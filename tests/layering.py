"""The project's layers and its import graph, read from the source (tests/test_layering.py checks them).

Every import of the project's own modules is an edge, wherever it stands: at the top, under
`if TYPE_CHECKING:` or inside a function (what `python -c 'import x'` would not show). A *unit* is
`archive` (the storage library, one unit), `scraper` itself, or a child of `scraper`
(`scraper.stubs`, `scraper.config`, ...). Units import only from their own layer or lower ones.

    python -m tests.layering > docs/imports.md     # `make graph`: the unit graph, as text and as a picture
"""

from __future__ import annotations

import ast
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "scraper")

# Lowest first. A unit may import units of its own layer and of the layers below it, never above.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("storage library", ("archive",)),
    (
        "core",
        (
            "scraper",
            "scraper.errors",
            "scraper.schedule",
            "scraper.settings",
            "scraper.config",
            "scraper.urls",
            "scraper.files",
            "scraper.processes",
            "scraper.stagetimes",
            "scraper.devserver",
        ),
    ),
    ("fetch", ("scraper.fetch",)),
    ("read and reference data", ("scraper.extract", "scraper.disarm")),
    ("stubs", ("scraper.stubs", "scraper.curators")),
    ("techniques", ("scraper.techniques",)),
    ("one URL", ("scraper.pipeline", "scraper.evaluate")),
    ("discovery", ("scraper.discover",)),
    ("running", ("scraper.daemon", "scraper.scaleout")),
    ("exports", ("scraper.export",)),
    ("review desk", ("scraper.web",)),
    ("demo", ("scraper.demo",)),
    ("commands", ("scraper.cli", "scraper.__main__")),
)

# Imports of the project's own modules inside a function, each with its reason: a heavy or optional
# third-party library loaded only where it is used. Nothing else may defer an own import (a deferred
# import hides an edge that would otherwise show a cycle or an upward arrow). The start-up reasons
# are measured: tests/test_startup.py fails when `--help`, `status` or `stubs list` loads them.
# Keys: (importing module, imported module).
_STUBS_LIST = "`stubs list` (same module) must not load SQLAlchemy, which every scraper.stubs module and the ORM bring"
DEFERRED: dict[tuple[str, str], str] = {
    ("scraper.extract", "scraper.extract.documents"): (
        "trafilatura, htmldate, pypdfium2 (about a second): `status` and `stubs list` import scraper.extract"
    ),
    (
        "scraper.export.intel",
        "scraper.export.stix",
    ): "stix2 is the optional [disarm] extra: a missing one is a one-line error",
    (
        "scraper.export.intel",
        "scraper.export.misp",
    ): "pymisp is the optional [disarm] extra: a missing one is a one-line error",
    ("scraper.techniques.ahead", "scraper.techniques.cache"): (
        "scikit-learn and numpy (optional [disarm] extra) load in the background build thread, not at desk start"
    ),
    ("scraper.techniques.decisions", "scraper.techniques.cache"): (
        "scikit-learn and numpy (optional [disarm] extra): loaded when a suggestion is asked for"
    ),
    ("scraper.cli.techniques", "scraper.techniques.cache"): "scikit-learn and numpy: optional [disarm] extra",
    ("scraper.cli.techniques", "scraper.techniques.evaluate"): "scikit-learn and numpy: optional [disarm] extra",
    ("scraper.cli.worker", "scraper.scaleout.jobs"): "procrastinate is the optional [workers] extra",
    (
        "scraper.cli.daemon",
        "scraper.scaleout.jobs",
    ): "procrastinate is the optional [workers] extra (`run --poll-jobs`)",
    ("scraper.cli.common", "archive.catalogue"): "SQLAlchemy: `status` and `stubs list` read the catalogue without it",
    (
        "scraper.cli.daemon",
        "scraper.daemon.scheduler",
    ): "APScheduler and the whole pipeline: `status` shares the module",
    ("scraper.cli.daemon", "scraper.web.server"): "Starlette, Jinja2 and SQLAlchemy: `status` shares the module",
    ("scraper.cli.daemon", "scraper.demo.run"): "the daemon, the desk and the pipeline: `status` shares the module",
    ("scraper.cli.stubs", "scraper.cli.techniques"): _STUBS_LIST,
    **{
        ("scraper.cli.stubs", target): _STUBS_LIST
        for target in (
            "archive.catalogue",
            "archive.tables",
            "scraper.export.records",
            "scraper.stubs",
            "scraper.stubs.disarm_page",
            "scraper.stubs.edits",
            "scraper.stubs.review",
            "scraper.stubs.sheets",
            "scraper.stubs.store",
            "scraper.stubs.technique_rows",
            "scraper.stubs.urls",
            "scraper.techniques.store",
        )
    },
}


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (the longest prefix that is one of ours)
    line: int
    deferred: bool  # inside a function


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def unit(module: str) -> str:
    parts = module.split(".")
    return "archive" if parts[0] == "archive" else ".".join(parts[:2])


def layer_of(unit_name: str) -> int:
    for index, (_, units) in enumerate(LAYERS):
        if unit_name in units:
            return index
    raise KeyError(f"{unit_name} is in no layer: add it to LAYERS in tests/layering.py")


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement, and whether it stands inside a function."""

    def walk(node: ast.AST, deferred: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, deferred
            inside = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, inside)

    return walk(tree, False)


def edges(root: Path = ROOT) -> list[Edge]:
    """Every import of one of our modules by one of our modules."""
    known = modules(root)

    def ours(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    found: list[Edge] = []
    for module, path in known.items():
        is_package = path.name == "__init__.py"
        for node, deferred in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = module.split(".")[: len(module.split(".")) + (1 if is_package else 0) - node.level]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                # `from package import module` imports the module; `from module import name`, the module
                targets = [f"{origin}.{a.name}" if f"{origin}.{a.name}" in known else origin for a in node.names]
            for target in targets:
                if target.split(".")[0] in PACKAGES and (resolved := ours(target)) and resolved != module:
                    found.append(Edge(module, resolved, node.lineno, deferred))
    return found


def cycles(pairs: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for a, b in pairs:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def unit_graph(found: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in found:
        a, b = unit(e.source), unit(e.target)
        graph.setdefault(a, set())
        graph.setdefault(b, set())
        if a != b:
            graph[a].add(b)
    return graph


def upward(found: list[Edge]) -> list[Edge]:
    """Edges from a unit to a unit in a higher layer."""
    return [e for e in found if layer_of(unit(e.target)) > layer_of(unit(e.source))]


def unlisted_deferred(found: list[Edge]) -> list[Edge]:
    return [e for e in found if e.deferred and (e.source, e.target) not in DEFERRED]


def describe(e: Edge) -> str:
    return f"{e.source} -> {e.target} (line {e.line}{', inside a function' if e.deferred else ''})"


def render(found: list[Edge], width: int = 116) -> str:
    """The unit graph by layer, highest first: what each unit imports directly."""
    graph = unit_graph(found)
    lines = []
    for index, (name, units) in reversed(list(enumerate(LAYERS))):
        lines.append(f"{index:2d} {name}")
        for u in units:
            deps = sorted(graph.get(u, set()), key=lambda d: (-layer_of(d), d))
            text = f"     {u:<18} -> {', '.join(deps) if deps else '(nothing of ours)'}"
            lines.extend(textwrap.wrap(text, width, subsequent_indent=" " * 27, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


def reduced(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The edges of an acyclic graph that no longer path implies (its transitive reduction): the picture's arrows."""

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph.get(start, ()))
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return seen

    return {(a, b) for a, deps in graph.items() for b in deps if not any(b in reach(c) for c in deps if c != b)}


def mermaid(found: list[Edge]) -> str:
    """The unit graph as a Mermaid flowchart, arrows pointing down to what is imported (implied ones left out)."""
    graph = unit_graph(found)
    ids = {u: u.replace("scraper.", "").replace("__main__", "main") for u in graph}
    ids["scraper"] = "scraper_init"
    lines = ["flowchart TB"]
    for index, (name, units) in reversed(list(enumerate(LAYERS))):
        lines.append(f'    subgraph L{index}["{index} {name}"]')
        lines.extend(f'        {ids[u]}["{u}"]' for u in units if u in graph)
        lines.append("    end")
    lines.extend(f"    {ids[a]} --> {ids[b]}" for a, b in sorted(reduced(graph)))
    return "\n".join(lines) + "\n"


def page(found: list[Edge]) -> str:
    """docs/imports.md: both views of the graph."""
    return (
        "# Import graph\n\n"
        "Generated by `make graph` (`python -m tests.layering > docs/imports.md`) from the source;\n"
        "`tests/test_layering.py` fails when it is stale, when an import runs up the layers or in a circle,\n"
        "and when an import of our own modules hides inside a function without a listed reason.\n"
        "The layers are explained in [architecture.md](architecture.md#layers).\n\n"
        "## Each unit and what it imports directly (highest layer first)\n\n"
        f"```text\n{render(found)}```\n\n"
        "## The picture (arrows point at what is imported; arrows implied by a longer path are left out)\n\n"
        f"```mermaid\n{mermaid(found)}```\n"
    )


def main() -> int:
    print(page(edges()), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
