"""Stub matching by indexed blocking: the same stubs as the full scan it replaced, from an index, at flat cost."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import Capture, ReportRow, Stub, StubMatchKey
from scraper.config import load_config
from scraper.extract.report import Network, Report
from scraper.stubs import blocking, content, review, store

from ..conftest import make_config

PLATFORMS = ["Meta", "Google", "TikTok", None]
COUNTRIES = ["Iran", "Russia", "China", "Egypt", "Mexico", "Ghana"]
WINDOW = 14


def full_scan(s, report: Report, window: int) -> tuple[int, str] | None:
    """The matching the blocking index replaced: every open stub, oldest first."""
    for stub in s.scalars(select(Stub).where(Stub.status.in_(("new", "accepted"))).order_by(Stub.id)):
        reason = content.match_reason(
            report,
            platform=stub.platform,
            origin=stub.origin or [],
            counts=stub.counts or {},
            first_pub_date=date.fromisoformat(stub.first_pub_date) if stub.first_pub_date else None,
            window_days=window,
        )
        if reason:
            return stub.id, reason
    return None


def random_report(rng: random.Random, i: int) -> Report:
    origin = rng.sample(COUNTRIES, rng.choice([0, 1, 1, 2]))
    networks = [
        Network(
            origin=origin,
            targets=rng.sample(COUNTRIES, 1),
            counts={"facebook_accounts": rng.randrange(10, 14), "facebook_pages": rng.randrange(3)},
            evidence=[f"Sentence {i} says we removed some accounts."],
        )
    ]
    return Report(
        url=f"https://example.org/r/{i}",
        final_url=f"https://example.org/r/{i}",
        title=f"Report {i}",
        pub_date=date(2020, 1, 1) + timedelta(days=rng.randrange(120)) if rng.random() > 0.05 else None,
        platform=rng.choice(PLATFORMS),
        networks=networks,
        text=f"The network has been active since {2010 + rng.randrange(10)}.",
    )


def add_report(catalogue: Catalogue, report: Report, i: int) -> int:
    now = utcnow()
    with catalogue.session() as s:
        capture = Capture(
            url=report.url,
            final_url=report.final_url,
            fetched_at=now,
            status=200,
            content_type="text/html",
            payload_sha256=f"{i:064d}",
            payload_length=1,
            warc_path="x.warc.gz",
            warc_offset=0,
            warc_length=1,
            warc_record_id=f"<urn:uuid:{i}>",
            warc_date="2026-01-01T00:00:00Z",
            redirects=[],
            last_seen_at=now,
        )
        s.add(capture)
        s.flush()
        report.capture_id = capture.id
        s.add(
            ReportRow(
                capture_id=capture.id, url=report.url, extractor_version="t", extracted_at=now, data=report.to_dict()
            )
        )
        return capture.id


def test_indexed_matching_equals_the_full_scan_and_incremental_merges_equal_a_full_refresh(tmp_path):
    cfg = load_config(str(make_config(tmp_path, f"[stubs]\ncluster_window_days = {WINDOW}\n")))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)
    rng = random.Random(15)
    outcomes: dict[str, int] = {}
    for i in range(200):
        report = random_report(rng, i)
        capture_id = add_report(catalogue, report, i)
        with catalogue.session() as s:
            expected = full_scan(s, report, WINDOW)
            got = blocking.first_match(s, report, WINDOW)
            assert ((got[0].id, got[1]) if got else None) == expected, f"report {i}"
        outcome = store.update_stubs_for_report(cfg, catalogue, capture_id)
        outcomes[outcome.action] = outcomes.get(outcome.action, 0) + 1
        if i % 37 == 0 and outcome.stub_id:  # curators close some stubs: closed stubs must drop out of matching
            review.reject(catalogue, outcome.stub_id, "not an incident")
    assert outcomes["merged"] > 30 and outcomes["created"] > 30  # the corpus exercises both paths
    with catalogue.session() as s:
        for stub in s.scalars(select(Stub)):
            assert store.refresh(s, stub) == [], f"{stub.stub_id}: incremental merge differs from a full refresh"
            keys = s.scalars(select(StubMatchKey).where(StubMatchKey.stub_pk == stub.id)).all()
            assert sorted((k.platform, k.origin, k.pub_date) for k in keys) == sorted(
                (r["platform"], r["origin"], r["pub_date"])
                for r in blocking.key_rows(stub.id, stub.platform, stub.origin, stub.first_pub_date)
            )
    catalogue.dispose()


def test_candidates_come_from_an_index_never_a_scan_of_stubs(tmp_path):
    cfg = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)
    rng = random.Random(7)
    for i in range(40):
        report = random_report(rng, i)
        store.update_stubs_for_report(cfg, catalogue, add_report(catalogue, report, i))
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    report = Report(
        url="https://example.org/new",
        final_url="https://example.org/new",
        platform="Meta",
        pub_date=date(2020, 2, 1),
        networks=[Network(origin=["Iran"], counts={"facebook_accounts": 11})],
    )
    event.listen(Engine, "before_cursor_execute", remember)
    try:
        with catalogue.session() as s:
            blocking.candidates(s, report, WINDOW)
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    [query] = [q for q in statements if "stub_match_keys" in q]
    with catalogue.engine.connect() as conn:
        params = ["Meta", "2020-01-18", "2020-02-15", "Iran", "", "new", "accepted"]
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + query, tuple(params)))
    assert "ix_stub_match_keys" in plan, plan
    assert "SCAN stubs" not in plan and "SCAN stub_match_keys" not in plan, plan
    catalogue.dispose()


def test_extending_a_large_cluster_reads_only_the_new_report(tmp_path):
    cfg = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)

    def report(i: int) -> Report:
        return Report(
            url=f"https://example.org/c/{i}",
            final_url=f"https://example.org/c/{i}",
            title=f"Retelling {i}",
            platform="Meta",
            pub_date=date(2021, 3, 1) + timedelta(days=i % 5),
            text="Active since 2019.",
            networks=[
                Network(
                    origin=["Iran"],
                    counts={"facebook_accounts": 93},
                    evidence=[f"Retelling {i}: we removed 93 Facebook accounts."],
                )
            ],
        )

    for i in range(150):
        store.update_stubs_for_report(cfg, catalogue, add_report(catalogue, report(i), i))
    capture_id = add_report(catalogue, report(150), 150)
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        outcome = store.update_stubs_for_report(cfg, catalogue, capture_id)
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    assert outcome.action == "merged"
    assert sum("FROM reports" in q for q in statements) == 1  # the new report only, not the 150 already cited
    assert not any("FROM stub_references" in q and "stub_pk" in q.split("WHERE")[-1] for q in statements)
    with catalogue.session() as s:
        [stub] = s.scalars(select(Stub)).all()
        assert store.notes_of(s, stub).count("Extracted by takedown-archiver") == 151
        assert store.refresh(s, stub) == []
    catalogue.dispose()


def _written(catalogue: Catalogue, cfg, capture_id: int) -> tuple[list[str], int]:
    """The statements one merge sends and the bytes of their parameters (a number counts 8)."""
    statements: list[str] = []
    sizes = [0]

    def size(value: object) -> int:
        if isinstance(value, (list, tuple)):
            return sum(size(v) for v in value)
        if isinstance(value, dict):
            return sum(size(v) for v in value.values())
        if value is None or isinstance(value, (int, float)):
            return 8
        return len(value if isinstance(value, bytes) else str(value).encode())

    def remember(_conn, _cursor, statement, parameters, *_args) -> None:
        statements.append(statement)
        sizes[0] += size(parameters)

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        outcome = store.update_stubs_for_report(cfg, catalogue, capture_id)
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    assert outcome.action == "merged"
    return statements, sizes[0]


def test_the_300th_reference_costs_what_the_3rd_did(tmp_path):
    """Statements and bytes written to add a reference do not grow with the cluster (no growing notes blob)."""
    cfg = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)

    def report(i: int) -> Report:  # numbers from 1000 keep every URL and title the same length
        return Report(
            url=f"https://example.org/c/{i}",
            final_url=f"https://example.org/c/{i}",
            title=f"Retelling {i}",
            platform="Meta",
            pub_date=date(2021, 3, 1) + timedelta(days=i % 5),
            text="Active since 2019.",
            networks=[
                Network(
                    origin=["Iran"],
                    counts={"facebook_accounts": 93},
                    evidence=[f"Retelling {i}: we removed 93 Facebook accounts."],
                )
            ],
        )

    cost = {}
    for n in range(1, 301):
        i = 1000 + n
        capture_id = add_report(catalogue, report(i), i)
        if n in (3, 300):
            cost[n] = _written(catalogue, cfg, capture_id)
        else:
            store.update_stubs_for_report(cfg, catalogue, capture_id)
    assert cost[300][0] == cost[3][0]
    assert cost[300][1] == cost[3][1]
    with catalogue.session() as s:
        [stub] = s.scalars(select(Stub)).all()
        notes = store.notes_of(s, stub)
        assert notes.count("Extracted by takedown-archiver") == 300 and notes.endswith(
            'Retelling 1300: we removed 93 Facebook accounts."'
        )
        assert store.refresh(s, stub) == []  # the appended blocks equal a full recomputation
    catalogue.dispose()


def test_repolling_a_cited_report_of_a_large_cluster_reads_only_that_report(tmp_path):
    """An unchanged report polled again skips recomputing its stub; a changed one (or one of unknown digest) recomputes it."""
    from sqlalchemy import update

    from archive.tables import StubReference

    cfg = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)

    def report(i: int, accounts: int = 93) -> Report:
        return Report(
            url=f"https://example.org/c/{i}",
            final_url=f"https://example.org/c/{i}",
            title=f"Retelling {i}",
            platform="Meta",
            pub_date=date(2021, 3, 1),
            networks=[
                Network(
                    origin=["Iran"],
                    counts={"facebook_accounts": 93},
                    evidence=[f"Retelling {i}: we removed {accounts} Facebook accounts."],
                )
            ],
        )

    captures = [add_report(catalogue, report(i), i) for i in range(60)]
    for capture_id in captures:
        store.update_stubs_for_report(cfg, catalogue, capture_id)

    def poll(capture_id: int) -> tuple[store.StubOutcome, list[str]]:
        statements: list[str] = []

        def remember(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", remember)
        try:
            return store.update_stubs_for_report(cfg, catalogue, capture_id), statements
        finally:
            event.remove(Engine, "before_cursor_execute", remember)

    def recomputed(statements: list[str]) -> bool:  # read every reference of the stub
        return any("FROM stub_references" in q and "stub_pk" in q.split("WHERE")[-1] for q in statements)

    outcome, statements = poll(captures[30])
    assert outcome.action == "unchanged" and not recomputed(statements)
    assert sum("FROM reports" in q for q in statements) == 1
    with catalogue.session() as s:  # the report is re-extracted with different evidence
        row = s.scalar(select(ReportRow).where(ReportRow.capture_id == captures[30]))
        row.data = report(30, accounts=94).to_dict() | {"capture_id": captures[30]}
    outcome, statements = poll(captures[30])
    assert outcome.action == "updated" and outcome.reason == "changed: notes" and recomputed(statements)
    outcome, statements = poll(captures[30])
    assert outcome.action == "unchanged" and not recomputed(statements)
    with catalogue.session() as s:  # as migration 0010 leaves references: digest unknown
        s.execute(update(StubReference).values(report_sha256=None))
    outcome, statements = poll(captures[30])
    assert outcome.action == "unchanged" and recomputed(statements)
    outcome, statements = poll(captures[31])
    assert outcome.action == "unchanged" and not recomputed(
        statements
    )  # the recomputation recorded every reference's digest
    with catalogue.session() as s:
        [stub] = s.scalars(select(Stub)).all()
        assert "we removed 94 Facebook accounts" in store.notes_of(s, stub)
    catalogue.dispose()


def test_a_curators_origin_edit_is_what_later_reports_match_on(tmp_path):
    """review.edit changes the stub with a guarded UPDATE the flush hook never sees: its keys must follow."""
    cfg = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(cfg.catalogue_url, migrate=True)

    def meta_report(i: int, origin: str) -> Report:
        return Report(
            url=f"https://example.org/k{i}",
            final_url=f"https://example.org/k{i}",
            title=f"Network {i}",
            platform="Meta",
            pub_date=date(2022, 3, 1) + timedelta(days=i),
            text="t",
            networks=[
                Network(
                    origin=[origin], counts={"facebook_accounts": 50 + i}, evidence=[f"We removed {50 + i} accounts."]
                )
            ],
        )

    try:
        first = store.update_stubs_for_report(cfg, catalogue, add_report(catalogue, meta_report(0, "Iran"), 0))
        review.edit(catalogue, first.stub_id, {"origin": ["Peru"]})
        with catalogue.session() as s:
            assert set(s.scalars(select(StubMatchKey.origin))) == {"Peru"}  # the extracted Iran is gone from the index
            later = meta_report(1, "Peru")
            assert [st.stub_id for st in blocking.candidates(s, later, 30)] == [
                first.stub_id
            ]  # found under the curator's origin
    finally:
        catalogue.dispose()
