"""No query per row: each desk page sends as many SQL statements at 5 stubs as at 50.

The catalogues are bench/desk.py's (four real reports through the pipeline, cloned in
bulk into real SQLite files); the stub page's stub cites 4 reports in the small one and
40 in the larger. The desk runs in-process and every statement is counted by the
shared counter (bench/querycount.py), the same one the bench prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench._servers import Publisher
from bench.desk import PAGES, build, measure
from bench.querycount import counting

SIZES = {"small": (5, 4), "large": (50, 40)}  # stubs, references of the stub page's stub


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, int]]]:
    site = Publisher(4)
    try:
        out = {}
        for label, (stubs, refs) in SIZES.items():
            config = build(tmp_path_factory.mktemp("desk") / label, site, stubs, big_cluster=refs)
            out[label] = {page: n for page, (_ms, n) in measure(config, PAGES, repeat=1).items()}
        yield out
    finally:
        site.close()


@pytest.mark.parametrize(
    "page", ["queue (first page)", "queue (origin filter)", "queue (search)", "stub (200 references)"]
)
def test_statements_per_page_do_not_grow_with_the_catalogue(statements: dict[str, dict[str, int]], page: str) -> None:
    assert statements["small"][page] > 0
    assert statements["small"][page] == statements["large"][page]


def test_a_stub_citing_many_reports_costs_the_statements_of_one_citing_four(
    statements: dict[str, dict[str, int]],
) -> None:
    assert statements["large"]["stub (200 references)"] == statements["large"]["stub (4 references)"]


def test_the_counter_sees_every_statement(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with counting() as seen, engine.connect() as conn:
            for n in range(3):
                conn.execute(text("SELECT :n"), {"n": n})
        assert seen == ["SELECT ?"] * 3
    finally:
        engine.dispose()
