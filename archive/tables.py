"""Catalogue schema (SQLAlchemy ORM). One class per table.

Captures are keyed by URL + content digest + time (ArchiveBox's lesson): the
same URL may be captured many times as it changes; an unchanged refetch is a
catalogue hit (`last_seen_at`, `seen_count`), not a second copy of the bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates


class Base(DeclarativeBase):
    """Every schema change here needs an Alembic revision in archive/migrations/versions."""


class WarcFile(Base):
    """A WARC file and how many of its bytes are committed (whole records)."""

    __tablename__ = "warc_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), unique=True)  # relative to the data dir
    committed_size: Mapped[int] = mapped_column(BigInteger, default=0)  # WARC files may pass 2 GiB
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Capture(Base):
    __tablename__ = "captures"
    # A plain and a browser capture of one URL are two captures, even with the same document bytes.
    __table_args__ = (UniqueConstraint("url", "payload_sha256", "rendered", name="uq_capture_url_digest_rendered"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, index=True)  # as requested
    final_url: Mapped[str] = mapped_column(
        Text, index=True
    )  # after redirects (the latest-capture lookup matches either)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(Text, default="")  # header values have no length limit
    payload_sha256: Mapped[str] = mapped_column(String(64))
    payload_length: Mapped[int] = mapped_column(BigInteger)
    warc_path: Mapped[str] = mapped_column(String(512))  # relative to the data dir
    warc_offset: Mapped[int] = mapped_column(BigInteger)  # of the response record
    warc_length: Mapped[int] = mapped_column(BigInteger)  # compressed length of that record
    warc_record_id: Mapped[str] = mapped_column(String(100))
    warc_date: Mapped[str] = mapped_column(String(40))  # WARC-Date of the response record
    redirects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    seen_count: Mapped[int] = mapped_column(Integer, default=1)
    rendered: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # a browser capture (README "Browser capture")


class FetchFailure(Base):
    """A fetch that ended without a capture, with its reason (for status and retries)."""

    __tablename__ = "fetch_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class ReportRow(Base):
    """The extracted Report of one capture (re-extraction overwrites it)."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_month_platform", "pub_month", "platform"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"), unique=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    extractor_version: Mapped[str] = mapped_column(String(32))
    extracted_at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # Report.to_dict()
    # Copied out of `data` so the desk's per-month chart is an index scan, not a JSON parse of every report.
    pub_month: Mapped[str] = mapped_column(String(7), default="", server_default="")  # YYYY-MM, "" when undated
    platform: Mapped[str] = mapped_column(String(32), default="", server_default="")

    @validates("data")
    def _copy_chart_keys(self, _key: str, data: dict[str, Any]) -> dict[str, Any]:
        self.pub_month = str(data.get("pub_date") or "")[:7]
        self.platform = str(data.get("platform") or "")[:32]
        return data


class RowCount(Base):
    """Rows of a growing table ("captures", "urls": distinct capture URLs, "reports", "fetch_failures").

    Kept by triggers (migration 0012), so `status` and the desk read a count instead of
    scanning 100k rows, and every writer (ORM, bulk insert, another process) keeps it exact.
    """

    __tablename__ = "row_counts"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportMonth(Base):
    """Reports per (publication month, platform): the desk's chart. Kept by triggers like RowCount."""

    __tablename__ = "report_months"
    pub_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ArchiveJob(Base):
    """A public-archive (Wayback Machine) request for one URL and what became of it.

    `archive_link` is only ever set to `https://web.archive.org/web/<14 digits>/<url>`,
    built from a successful status answer; "submitted" is not "archived".
    """

    __tablename__ = "archive_jobs"
    __table_args__ = (
        Index("ix_archive_jobs_status_checked", "status", "checked_at"),
    )  # links resolved since: `stubs export --since`
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), nullable=True)
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|success|error; indexed with checked_at (__table_args__)
    job_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    archive_timestamp: Mapped[str | None] = mapped_column(String(14), nullable=True)
    archive_link: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class VerifiedFile(Base):
    """When `archive verify` last checked a stored file, and what the file looked like then.

    A later verify skips a file whose size and mtime are unchanged and that passed;
    `archive verify --all` ignores these rows and checks everything.
    """

    __tablename__ = "verified_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), unique=True)  # relative to the data dir
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    verified_at: Mapped[datetime] = mapped_column(DateTime)


class ArchivePause(Base):
    """Submissions to the public archive are paused until `until` (quota or rate limit)."""

    __tablename__ = "archive_pauses"
    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(32), unique=True)
    until: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)


class Stub(Base):
    """A stub incident record for curators, built from one or more Reports."""

    __tablename__ = "stubs"
    __table_args__ = (
        Index("ix_stubs_status_updated", "status", "updated_at", "id"),  # the Atom feed's newest-first scan
        Index("ix_stubs_status_pub", "status", "first_pub_date", "id"),  # the desk's queue sorted by publication date
        Index("ix_stubs_pub", "first_pub_date", "id"),  # the same over every status
        Index("ix_stubs_status_platform", "status", "platform", "id"),  # the queue sorted by platform
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_id: Mapped[str] = mapped_column(String(32), unique=True)  # provisional, e.g. TA-00001
    disarm_id: Mapped[str | None] = mapped_column(String(16), nullable=True, unique=True)  # assigned on accept
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)  # new|accepted|rejected|merged
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    incident_type: Mapped[str] = mapped_column(String(32), default="incident")
    year_started: Mapped[str] = mapped_column(String(8), default="")
    platform: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)  # the desk's platform menu
    origin: Mapped[list[str]] = mapped_column(JSON, default=list)
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # all removed-asset counts, for clustering
    # No notes column: a stub's notes are its references' `notes` joined when read (store.stub_notes),
    # so citing one more report writes one row instead of rewriting a blob that grows with the cluster.
    found_via: Mapped[str] = mapped_column(String(255), default="")
    date_added: Mapped[str] = mapped_column(String(10))
    first_pub_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    merged_into: Mapped[str | None] = mapped_column(String(32), nullable=True)
    edited_fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # set by a curator, not recomputed
    # A cited report states a removed-asset count that differs from the lead report's (a retelling that
    # rounds or sums the platform's figures differently): indexed, so the desk can list such stubs.
    counts_disagree: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    # A cited report holds values the extractor marked "check" (found by a weaker rule): indexed, so the
    # desk can list the stubs where a curator should look first.
    needs_check: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    # The platform's own report is among the references (it leads): a retelling joining later changes no count.
    platform_led: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class StubMatchKey(Base):
    """Blocking keys for stub matching (scraper/stubs/blocking.py): one row per stub and origin country.

    `origin` is "" for a stub that states none; stubs without a platform or a
    date have no keys, because they can never match.
    """

    __tablename__ = "stub_match_keys"
    __table_args__ = (
        Index("ix_stub_match_keys_platform_date", "platform", "pub_date"),
        Index("ix_stub_match_keys_platform_origin_date", "platform", "origin", "pub_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(64), default="")
    pub_date: Mapped[str] = mapped_column(String(10))  # the stub's first_pub_date, YYYY-MM-DD


class StubCountry(Base):
    """One origin or target country of a stub, case-folded: the desk filters by origin through
    this index instead of scanning every stub's JSON. Kept in step by scraper/stubs/countries.py."""

    __tablename__ = "stub_countries"
    __table_args__ = (Index("ix_stub_countries_role_country", "role", "country", "stub_pk"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # origin | target
    country: Mapped[str] = mapped_column(String(64))


class StubReference(Base):
    """One report cited by a stub (a row of the Reference table).

    A report is cited once (`normalised_url`, the key of its final URL) unless it names networks
    of different origins: then each network is its own operation and `part` (its origin) says
    which one this stub cites.
    """

    __tablename__ = "stub_references"
    __table_args__ = (UniqueConstraint("normalised_url", "part", name="uq_stub_reference_url_part"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id"), index=True)
    url: Mapped[str] = mapped_column(
        Text, index=True
    )  # stubs citing a URL whose archive link resolved: `stubs export --since`
    normalised_url: Mapped[str] = mapped_column(Text)
    part: Mapped[str] = mapped_column(
        String(255), default="", server_default=""
    )  # "" the whole report, else a network's origin
    # The disarming platform's own disclosure (scraper.stubs.content.is_platform_report): it leads its stub.
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    counts: Mapped[dict[str, int] | None] = mapped_column(
        JSON, nullable=True
    )  # what this report states; NULL: not yet read
    capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id"), nullable=True, index=True
    )  # search: report -> stub
    pub_date: Mapped[str] = mapped_column(String(10), default="")  # YYYY/MM/DD
    authors: Mapped[str] = mapped_column(Text, default="")
    org: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    merge_reason: Mapped[str] = mapped_column(Text, default="")
    merged_from: Mapped[str | None] = mapped_column(
        String(32), nullable=True
    )  # stub_id it came from by a curator's merge
    added_at: Mapped[datetime] = mapped_column(DateTime)
    # This report's part of the stub's notes (counts with their evidence sentences). Deferred, and
    # raising when read unloaded, so listings never carry it and a forgotten load is not a query per row.
    notes: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True, deferred_raiseload=True)
    # sha256 of the report data (capture id left out) the stub last folded in: a re-poll that finds the
    # same report skips recomputing the stub from every report it cites. NULL: unknown, recompute once.
    report_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class StubChange(Base):
    """What happened to a stub and why: created, merged, updated, accepted, rejected."""

    __tablename__ = "stub_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(
        String(64), nullable=True
    )  # the curator who did it (None: the pipeline or the CLI)


class DiscoveredItem(Base):
    """A candidate URL a source found, and the relevance decision about it (kept, dropped, forced)."""

    __tablename__ = "discovered_items"
    __table_args__ = (UniqueConstraint("source", "url", name="uq_discovered_source_url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(16), default="pending")  # pending|kept|dropped|forced|failed|gave_up
    reason: Mapped[str] = mapped_column(Text, default="")
    # A failed item (any stage) is retried with backoff until `tries` reaches [daemon] max_item_tries.
    stage: Mapped[str] = mapped_column(
        String(32), default="", server_default=""
    )  # fetch|store|extract|wacz|archive|stub|catalogue
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # failures in a row
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)


class SourceRun(Base):
    """One poll of one source, by the daemon or by a manual `takedowns poll`: the one source-health record.

    `sources`, `status` and the desk's sources page all read these rows.

    `outcome` is running|ok|error|interrupted; a run still `running` when a
    daemon starts was cut short by a kill and is marked interrupted then.
    """

    __tablename__ = "source_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SourceSchedule(Base):
    """When the daemon will next run a source (for `takedowns status`)."""

    __tablename__ = "source_schedule"
    source: Mapped[str] = mapped_column(String(128), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(128), default="")
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class StubEdit(Base):
    """What extraction said about a field a curator edited (issue 16).

    The stub holds the curator's value (and `edited_fields` keeps re-extraction off it);
    `extracted` is what extraction gave when the edit was made and `latest` what it
    gives now, so the desk can show that the report changed since the edit.
    """

    __tablename__ = "stub_edits"
    __table_args__ = (UniqueConstraint("stub_pk", "field", name="uq_stub_edit_field"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))  # name | summary | origin | targets | counts
    value: Mapped[Any] = mapped_column(JSON)
    extracted: Mapped[Any] = mapped_column(JSON, nullable=True)
    latest: Mapped[Any] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    report_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class StubTechnique(Base):
    """A DISARM technique for a stub: suggested by the model, then accepted or rejected by a curator.

    `sentences` are the report sentences that support it, quoted exactly; accepted ones fill the
    page's Technique table and the `incidenttechniques` export rows.
    """

    __tablename__ = "stub_techniques"
    __table_args__ = (UniqueConstraint("stub_pk", "technique_id", name="uq_stub_technique"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id"), index=True)
    technique_id: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # None when a curator added it
    sentences: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="suggested")  # suggested|accepted|rejected
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)  # `stubs export --since`


class Curator(Base):
    """A desk user: a name and the SHA-256 of their token (the token itself is shown once, never stored)."""

    __tablename__ = "curators"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class StubClaim(Base):
    """Who is reviewing a stub, until when: one live claim per stub; an expired one is free to take."""

    __tablename__ = "stub_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id", ondelete="CASCADE"), unique=True)
    curator: Mapped[str] = mapped_column(String(64), index=True)
    assigned_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class StubComment(Base):
    """A curator's note on a stub, shown on its page in order."""

    __tablename__ = "stub_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    stub_pk: Mapped[int] = mapped_column(ForeignKey("stubs.id", ondelete="CASCADE"), index=True)
    curator: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    body: Mapped[str] = mapped_column(Text)


class DeskBatch(Base):
    """One desk decision over one or many stubs, kept so that it can be undone."""

    __tablename__ = "desk_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(16))  # accept | reject | merge
    stub_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the stubs the action changed
    at: Mapped[datetime] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
