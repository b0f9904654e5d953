"""Per-item failures of a source: what failed, at which stage, and when to try again.

One bad item never stops a poll (scraper.discover.poll): its failure is kept on
its discovered-item row, a later poll retries it after a wait that doubles, and
after `[daemon] item_max_tries` tries it is given up until an operator
force-includes it. `takedowns failures` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import DiscoveredItem

FAILED, GAVE_UP = "failed", "gave_up"
MAX_WAIT = timedelta(days=7)


@dataclass(frozen=True)
class RetryPolicy:
    """`[daemon] item_max_tries` and `item_retry_seconds`."""

    max_tries: int
    retry_seconds: float

    def next_try(self, tries: int, now: datetime) -> datetime | None:
        """When an item that has failed `tries` times in a row is tried again; None: give up."""
        if tries >= self.max_tries:
            return None
        return now + min(timedelta(seconds=self.retry_seconds * 2 ** (tries - 1)), MAX_WAIT)


@dataclass(frozen=True)
class Failure:
    """One failed or given-up item, as `takedowns failures` shows it."""

    source: str
    url: str
    stage: str
    reason: str
    tries: int
    next_try_at: datetime | None  # None: given up
    last_seen_at: datetime

    @property
    def gave_up(self) -> bool:
        return self.next_try_at is None


def record_failure(
    catalogue: Catalogue, item_id: int, stage: str, reason: str, policy: RetryPolicy, now: datetime
) -> Failure:
    """Count one more failed try of an item; schedule its next try or give it up."""
    with catalogue.session() as s:
        item = s.get_one(DiscoveredItem, item_id)
        item.tries = (item.tries or 0) + 1
        item.next_try_at = policy.next_try(item.tries, now)
        item.decision = FAILED if item.next_try_at else GAVE_UP
        item.stage, item.reason = stage, reason[:2000]
        return _failure(item)


def waiting(decision: str, next_try_at: datetime | None, now: datetime) -> bool:
    """A failed item whose next try has not come yet."""
    return decision == FAILED and next_try_at is not None and next_try_at > now


def list_failures(catalogue: Catalogue, source: str | None = None, limit: int | None = None) -> list[Failure]:
    """Failed and given-up items, most recently seen first (the newest `limit` of them, if given)."""
    query = select(DiscoveredItem).where(DiscoveredItem.decision.in_((FAILED, GAVE_UP)))
    if source:
        query = query.where(DiscoveredItem.source == source)
    with catalogue.session() as s:
        return [
            _failure(item)
            for item in s.scalars(
                query.order_by(DiscoveredItem.last_seen_at.desc(), DiscoveredItem.id.desc()).limit(limit)
            )
        ]


def _failure(item: DiscoveredItem) -> Failure:
    return Failure(
        item.source,
        item.url,
        item.stage or "fetch",
        item.reason,
        item.tries or 0,
        item.next_try_at if item.decision == FAILED else None,
        item.last_seen_at,
    )
