"""The sources page: `takedowns status` data, recent runs, decisions and failures, and a chart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem, FetchFailure, ReportMonth, SourceRun
from scraper.config import Config
from scraper.daemon.status import Status, collect_status
from scraper.discover.failures import Failure, list_failures

RECENT = 30
MAX_MONTHS = 600
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class SourcesView:
    status: Status
    runs: list[SourceRun]
    decisions: list[DiscoveredItem]
    failures: list[FetchFailure]
    item_failures: list[Failure]  # items failing or given up, as `takedowns failures` lists them
    chart: dict[str, Any]


def month_range(seen: set[str]) -> list[str]:
    """Every month from the first to the last seen (YYYY-MM), the empty ones too: a chart's
    x axis must not close up a gap. Keys that are not months are kept, sorted, after them."""
    months = sorted(m for m in seen if _MONTH.match(m))
    other = sorted(m for m in seen if not _MONTH.match(m))
    if not months:
        return other
    (year, month), (last_year, last_month) = (tuple(map(int, m.split("-"))) for m in (months[0], months[-1]))
    if (last_year - year) * 12 + last_month - month > MAX_MONTHS:  # a stray date decades off: no axis of thousands
        return months + other
    out = []
    while (year, month) <= (last_year, last_month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out + other


def chart_series(rows: list[tuple[str | None, str | None, int]]) -> dict[str, Any]:
    """(month YYYY-MM, platform, reports) rows -> Chart.js labels and one dataset per platform."""
    months = month_range({m for m, _, _ in rows if m})
    platforms = sorted({p or "unknown" for m, p, _ in rows if m})
    counts = {(m, p or "unknown"): n for m, p, n in rows if m}
    return {
        "labels": months,
        "datasets": [{"label": p, "data": [counts.get((m, p), 0) for m in months]} for p in platforms],
    }


def load_sources(config: Config, catalogue: Catalogue) -> SourcesView:
    with catalogue.reader() as reader:
        status = collect_status(config, reader)
    with catalogue.session() as s:
        months = select(ReportMonth.pub_month, ReportMonth.platform, ReportMonth.n).where(ReportMonth.n > 0)
        per_month = [(m or None, p or None, n) for m, p, n in s.execute(months)]
        runs = list(
            s.scalars(select(SourceRun).order_by(SourceRun.started_at.desc(), SourceRun.id.desc()).limit(RECENT))
        )
        decisions = list(
            s.scalars(
                select(DiscoveredItem)
                .order_by(DiscoveredItem.last_seen_at.desc(), DiscoveredItem.id.desc())
                .limit(RECENT)
            )
        )
        failures = list(
            s.scalars(select(FetchFailure).order_by(FetchFailure.at.desc(), FetchFailure.id.desc()).limit(RECENT))
        )
    return SourcesView(
        status, runs, decisions, failures, list_failures(catalogue, limit=RECENT), chart_series(per_month)
    )
