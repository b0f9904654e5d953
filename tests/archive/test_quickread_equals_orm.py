"""Every plain-SQL read in archive.quickread answers what the ORM models (archive/tables.py) hold.

quickread exists so that `status` and `stubs list` start without importing SQLAlchemy
(bench/startup.py); its SQL names tables and columns by hand. Each of its queries is found
here by inspection (a public function taking a `Reader`), and each must have an ORM
counterpart below that computes the same answer from the mapped rows, the plain way.
Both run over one populated catalogue, on SQLite and PostgreSQL, on the CLI's own
read-only connection and on one borrowed from the Catalogue's pool: a new query without a
counterpart, or a column renamed in one place only, fails here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from archive import quickread
from archive.catalogue import Catalogue
from archive.tables import (
    ArchiveJob,
    Capture,
    FetchFailure,
    ReportRow,
    SourceRun,
    SourceSchedule,
    Stub,
    StubReference,
    WarcFile,
)

T0 = datetime(2026, 3, 1, 8, 30, 0, 250000)


def _reader_queries() -> set[str]:
    """quickread's queries: its own public functions whose first parameter is a Reader."""
    found = set()
    for name, fn in inspect.getmembers(quickread, inspect.isfunction):
        if fn.__module__ != quickread.__name__ or name.startswith("_"):
            continue
        params = list(inspect.signature(fn).parameters.values())
        if params and params[0].annotation in ("Reader", quickread.Reader):
            found.add(name)
    return found


# --- the ORM counterparts: the same answers from the mapped rows, computed in Python -------------


def orm_source_health(s: Session) -> dict[str, quickread.SourceHealth]:
    health: dict[str, quickread.SourceHealth] = {}
    runs: dict[str, list[SourceRun]] = {}
    for run in s.scalars(select(SourceRun).order_by(SourceRun.id)):
        runs.setdefault(run.source, []).append(run)
    for name, rows in runs.items():
        last, ok, err = rows[-1], [r for r in rows if r.outcome == "ok"], [r for r in rows if r.outcome == "error"]
        h = health[name] = quickread.SourceHealth(source=name, runs=len(rows))
        h.items_found_total = sum(r.items_found for r in rows)
        h.last_run_at, h.last_outcome = last.started_at, last.outcome
        if ok:
            h.last_success_at, h.items_found_last = ok[-1].ended_at, ok[-1].items_found
        if err:
            h.last_error_at, h.last_error = err[-1].ended_at, err[-1].message
            since_ok = [r for r in err if not ok or r.id > ok[-1].id]
            if since_ok:
                h.failing_since = min(r.started_at for r in since_ok)
    for row in s.scalars(select(SourceSchedule)):
        h = health.setdefault(row.source, quickread.SourceHealth(source=row.source))
        h.schedule, h.next_run_at = row.schedule, row.next_run_at
    return health


def orm_totals(s: Session) -> dict[str, Any]:
    stubs = {status: n for status, n in s.execute(select(Stub.status, func.count(Stub.id)).group_by(Stub.status))}
    return {
        "captures": s.scalar(select(func.count(Capture.id))),
        "urls": s.scalar(select(func.count(distinct(Capture.url)))),
        "reports": s.scalar(select(func.count(ReportRow.id))),
        "fetch_failures": s.scalar(select(func.count(FetchFailure.id))),
        "archive_jobs_pending": s.scalar(select(func.count(ArchiveJob.id)).where(ArchiveJob.status == "pending")),
        "stubs": stubs,
        "warc_files": s.scalar(select(func.count(WarcFile.id))),
    }


def _orm_row(s: Session, stub: Stub) -> quickread.StubRow:
    def link(url: str) -> str:
        jobs = s.scalars(select(ArchiveJob).where(ArchiveJob.url == url).order_by(ArchiveJob.id.desc())).all()
        return next((j.archive_link for j in jobs if j.status == "success" and j.archive_link), quickread.PENDING)

    refs = s.scalars(select(StubReference).where(StubReference.stub_pk == stub.id).order_by(StubReference.id))
    return quickread.StubRow(
        id=stub.stub_id, disarm_id=stub.disarm_id, status=stub.status, name=stub.name, summary=stub.summary,
        platform=stub.platform, origin=stub.origin, targets=stub.targets, counts=stub.counts,
        year_started=stub.year_started, date_added=stub.date_added, found_via=stub.found_via,
        reject_reason=stub.reject_reason, merged_into=stub.merged_into, edited_fields=stub.edited_fields,
        counts_disagree=stub.counts_disagree,
        references=[
            {"url": r.url, "pub_date": r.pub_date, "authors": r.authors, "org": r.org, "archive": link(r.url),
             "merge_reason": r.merge_reason, "merged_from": r.merged_from, "part": r.part, "primary": r.is_primary,
             "counts": r.counts}
            for r in refs
        ],
    )  # fmt: skip


def orm_stub_rows(s: Session, *, status: str | None = None, stub_pk: int | None = None) -> list[quickread.StubRow]:
    stubs = s.scalars(select(Stub).order_by(Stub.id)).all()
    chosen = [st for st in stubs if (status is None or st.status == status) and (stub_pk is None or st.id == stub_pk)]
    return [_orm_row(s, st) for st in chosen]


def orm_stub_page(
    s: Session, *, status: str | None = None, limit: int | None = None, offset: int = 0
) -> quickread.StubPage:
    newest_first = [st for st in s.scalars(select(Stub).order_by(Stub.id.desc())) if status in (None, st.status)]
    shown = newest_first[offset:] if limit is None else newest_first[offset : offset + limit]
    return quickread.StubPage([_orm_row(s, st) for st in shown], len(newest_first), offset)


STATUSES = [None, "new", "accepted", "rejected", "merged", "nonesuch"]
CASES: dict[str, tuple[Callable[..., Any], list[dict[str, Any]]]] = {
    "source_health": (orm_source_health, [{}]),
    "totals": (orm_totals, [{}]),
    "stub_rows": (
        orm_stub_rows,
        [{"status": st} for st in STATUSES] + [{"stub_pk": pk} for pk in range(0, 9)],
    ),
    "stub_page": (
        orm_stub_page,
        [
            {"status": st, "limit": limit, "offset": offset}
            for st in STATUSES
            for limit in (None, 0, 1, 3, 50)
            for offset in (0, 2, 40)
        ],
    ),
}


def test_every_query_has_an_orm_counterpart() -> None:
    assert _reader_queries() == set(CASES), "add the new quickread query's ORM counterpart to CASES"


# --- one catalogue holding every column these queries read, in its awkward cases --------------


def fill(catalogue: Catalogue) -> None:
    with catalogue.session() as s:
        s.add_all(WarcFile(path=f"warc/{n}.warc.gz", committed_size=n * 1000, created_at=T0) for n in range(3))
        for n, url in enumerate(
            ["https://a.example/1", "https://a.example/1", "https://b.example/ü", "https://c.example/"]
        ):
            s.add(
                Capture(
                    url=url, final_url=url, fetched_at=T0 + timedelta(minutes=n), status=200,
                    content_type="text/html", payload_sha256=f"{n:064x}", payload_length=10, warc_path="warc/0.warc.gz",
                    warc_offset=n * 100, warc_length=100, warc_record_id=f"<urn:uuid:{n}>",
                    warc_date="2026-03-01T08:30:00Z",
                    last_seen_at=T0, rendered=n == 1,
                )
            )  # fmt: skip
        s.flush()
        s.add_all(
            ReportRow(capture_id=n, url="u", extractor_version="1", extracted_at=T0, data={"pub_date": "2021-01-02"})
            for n in (1, 3)
        )
        s.add_all(
            FetchFailure(url=f"https://f.example/{n}", at=T0, reason="http", message="503", status=503)
            for n in range(3)
        )
        s.flush()
        s.delete(s.scalars(select(FetchFailure)).first())  # the triggers count deletions too

        stubs = [
            # status, disarm_id, platform, edited, disagree, reject_reason, merged_into
            ("new", None, "Meta", [], False, None, None),
            ("accepted", "I00901", "X", ["name", "counts"], True, None, None),
            ("rejected", None, None, [], False, "not an operation", None),
            ("merged", None, "Meta", [], False, None, "TA-00001"),
            ("new", None, "TikTok", ["summary"], False, None, None),
            ("new", None, "Meta", [], True, None, None),
            ("accepted", "I00902", "Meta", [], False, None, None),
        ]
        for n, (status, disarm_id, platform, edited, disagree, reason, merged_into) in enumerate(stubs, start=1):
            s.add(
                Stub(
                    stub_id=f"TA-{n:05d}", disarm_id=disarm_id, status=status, name=f"Network “{n}” — Ñ",
                    summary="" if n % 2 else f"Summary {n}", platform=platform,
                    origin=["Iran"] if n % 3 else ["Russia", "Belarus"], targets=[] if n == 4 else ["Israel"],
                    counts={} if n == 3 else {"facebook_accounts": n * 10}, year_started="2019" if n % 2 else "",
                    date_added=f"2026-02-{n:02d}", first_pub_date=None, found_via="https://feed.example/",
                    reject_reason=reason, merged_into=merged_into, edited_fields=edited, counts_disagree=disagree,
                    created_at=T0, updated_at=T0 + timedelta(hours=n),
                )
            )  # fmt: skip
        s.flush()
        refs = [
            # stub_pk, url, part, primary, counts, merged_from
            (1, "https://a.example/1", "", True, {"facebook_accounts": 10}, None),
            (1, "https://b.example/ü", "", False, None, "TA-00004"),
            (2, "https://c.example/", "Russia", False, {"pages": 3}, None),
            (2, "https://c.example/", "Iran", False, {}, None),
            (4, "https://d.example/", "", True, None, None),
            (6, "https://a.example/2", "", False, {"groups": 1}, None),
            (6, "https://a.example/3", "", False, None, None),
            (7, "https://e.example/", "", True, None, None),
        ]
        for n, (stub_pk, url, part, primary, counts, merged_from) in enumerate(refs):
            s.add(
                StubReference(
                    stub_pk=stub_pk, url=url, normalised_url=url, part=part, is_primary=primary, counts=counts,
                    pub_date=f"2021/01/{n + 1:02d}" if n != 3 else "", authors="Ana Ñ, Bo" if n % 2 else "",
                    org="Meta" if n % 2 else "Graphika", merge_reason="same network" if merged_from else "",
                    merged_from=merged_from, added_at=T0,
                )
            )  # fmt: skip
        jobs = [
            # url, status, link: the newest success with a link wins; an error's or a pending job's never counts
            ("https://a.example/1", "success", "https://web.archive.org/web/20210101000000/https://a.example/1"),
            ("https://a.example/1", "success", "https://web.archive.org/web/20220101000000/https://a.example/1"),
            ("https://a.example/1", "success", None),
            ("https://c.example/", "error", "https://web.archive.org/web/20230101000000/https://c.example/"),
            ("https://c.example/", "pending", None),
            ("https://e.example/", "pending", None),
            ("https://b.example/ü", "success", "https://web.archive.org/web/20240101000000/https://b.example/ü"),
            (
                "https://nowhere.example/",
                "success",
                "https://web.archive.org/web/20240101000000/https://nowhere.example/",
            ),
        ]
        s.add_all(ArchiveJob(url=url, status=status, archive_link=link) for url, status, link in jobs)

        runs = [
            # source, outcome, items, message, minutes after T0 (not in id order: started_at and id disagree)
            ("steady", "ok", 4, None, 0),
            ("steady", "ok", 2, None, 60),
            ("broken", "ok", 9, None, 10),
            ("broken", "error", 0, "HTTP 503", 90),
            ("broken", "error", 0, "HTTP 502", 70),
            ("broken", "interrupted", 0, "killed", 120),
            ("never-ok", "error", 0, "DNS", 5),
            ("never-ok", "running", 0, None, 200),
            ("recovered", "error", 0, "timeout", 1),
            ("recovered", "ok", 7, None, 2),
        ]
        for source, outcome, items, message, minutes in runs:
            at = T0 + timedelta(minutes=minutes)
            ended = None if outcome == "running" else at + timedelta(seconds=30)
            s.add(
                SourceRun(
                    source=source, started_at=at, ended_at=ended, outcome=outcome, items_found=items, message=message
                )
            )
        s.add(SourceSchedule(source="steady", schedule="every 6h", next_run_at=T0 + timedelta(days=1), updated_at=T0))
        s.add(SourceSchedule(source="scheduled-only", schedule="0 3 * * *", next_run_at=None, updated_at=T0))


@pytest.fixture
def catalogue(catalogue_url: str) -> Iterator[Catalogue]:
    opened = Catalogue(catalogue_url, migrate=True)
    try:
        fill(opened)
        yield opened
    finally:
        opened.dispose()


def test_every_query_answers_what_the_orm_holds(catalogue: Catalogue) -> None:
    with catalogue.read_session() as s:
        expected = {name: [orm(s, **kwargs) for kwargs in calls] for name, (orm, calls) in CASES.items()}
    assert expected["stub_rows"][0] and any(r.references for r in expected["stub_rows"][0])
    assert expected["source_health"][0]["broken"].failing_since is not None
    with quickread.open_reader(catalogue.url) as own, catalogue.reader() as pooled:
        assert own is not None  # a current catalogue is read without SQLAlchemy
        for reader in (own, pooled):
            for name, (_, calls) in CASES.items():
                query = getattr(quickread, name)
                for kwargs, want in zip(calls, expected[name], strict=True):
                    assert query(reader, **kwargs) == want, (name, kwargs)
