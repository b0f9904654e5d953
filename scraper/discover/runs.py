"""Run state in the catalogue: every poll of every source, and its next run time.

This is the one source-health record: the daemon and a manual `takedowns poll`
both write a run row per poll, and `sources`, `status` and the desk read them
(through archive.quickread.source_health).

A run row is written `running` before the poll starts and closed when it ends,
each in its own short transaction, so a kill at any moment leaves at most one
open row per source; the next daemon marks it `interrupted` and runs the
source again at once (the pipeline is idempotent by URL + digest, so the
rerun picks up the work instead of repeating it).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.quickread import RUN_ERROR, RUN_OK
from archive.tables import SourceRun, SourceSchedule
from scraper.processes import alive

RUNNING, INTERRUPTED = "running", "interrupted"
OK, ERROR = RUN_OK, RUN_ERROR  # the outcomes the health summary reads


def as_aware(value: datetime | None) -> datetime | None:
    """Catalogue timestamps are naive UTC; the scheduler wants aware ones."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def as_naive(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value is not None and value.tzinfo else value


def recover_interrupted(catalogue: Catalogue) -> list[str]:
    """Close runs left `running` by a daemon that died; return the sources to rerun at once.

    A source is rerun when its latest run did not finish (`interrupted`), whether that
    run was cut by this kill or by an earlier one: a start that was killed before it
    began the rerun must not turn the rerun into a wait of a whole period.
    Only call this while holding the daemon lock: then no other daemon can own them. A
    manual `takedowns poll` still running in another process keeps its row.
    """
    with catalogue.session() as s:
        open_runs = s.execute(select(SourceRun.id, SourceRun.pid).where(SourceRun.outcome == RUNNING)).all()
        dead = [run_id for run_id, pid in open_runs if not _alive_elsewhere(pid)]
        if dead:
            s.execute(
                update(SourceRun)
                .where(SourceRun.id.in_(dead))
                .values(
                    outcome=INTERRUPTED,
                    ended_at=utcnow(),
                    message="the process polling it stopped before this run finished (killed or crashed)",
                )
            )
        latest = select(SourceRun.source, func.max(SourceRun.id).label("id")).group_by(SourceRun.source).subquery()
        rows = s.execute(
            select(SourceRun.source).join(latest, SourceRun.id == latest.c.id).where(SourceRun.outcome == INTERRUPTED)
        )
        return sorted(rows.scalars())


def _alive_elsewhere(pid: int | None) -> bool:
    """Whether another live process owns a run row (this process has just started: none of its rows are live)."""
    return pid is not None and pid != os.getpid() and alive(pid)


def start_run(catalogue: Catalogue, source: str) -> int:
    with catalogue.session() as s:
        run = SourceRun(source=source, started_at=utcnow(), outcome=RUNNING, pid=os.getpid())
        s.add(run)
        s.flush()
        return run.id


def finish_run(
    catalogue: Catalogue,
    run_id: int,
    outcome: str,
    *,
    items_found: int = 0,
    errors: int = 0,
    message: str | None = None,
) -> None:
    with catalogue.session() as s:
        run = s.get(SourceRun, run_id)
        if run is not None:
            run.ended_at = utcnow()
            run.outcome = outcome
            run.items_found = items_found
            run.errors = errors
            run.message = message


def last_items_found(catalogue: Catalogue, source: str) -> int:
    """Items the source's latest successful poll found (0 if none): a sudden 0 means it changed shape."""
    with catalogue.session() as s:
        last = s.scalar(_latest(source, OK))
        return last.items_found if last is not None else 0


def last_started(catalogue: Catalogue, source: str) -> datetime | None:
    """Aware UTC start of the source's latest run, if any."""
    with catalogue.session() as s:
        return as_aware(s.scalar(select(func.max(SourceRun.started_at)).where(SourceRun.source == source)))


def set_next_run(catalogue: Catalogue, source: str, schedule: str, when: datetime | None) -> None:
    with catalogue.session() as s:
        row = s.get(SourceSchedule, source)
        if row is None:
            row = SourceSchedule(source=source)
            s.add(row)
        row.schedule = schedule
        row.next_run_at = as_naive(when)
        row.updated_at = utcnow()


def _latest(source: str, outcome: str):
    return (
        select(SourceRun)
        .where(SourceRun.source == source, SourceRun.outcome == outcome)
        .order_by(SourceRun.id.desc())
        .limit(1)
    )
