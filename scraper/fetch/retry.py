"""Which failures are worth another attempt, and how long to wait before it.

Connect errors, timeouts, broken connections, 408, 429 and 5xx are retried
with exponential backoff and jitter; `Retry-After` (seconds or an HTTP date)
is honoured up to a cap. Other 4xx answers are final.
"""

from __future__ import annotations

import email.utils
import logging
from datetime import datetime, timezone

from tenacity import RetryCallState, wait_exponential_jitter

from scraper.errors import FetchError

log = logging.getLogger("takedowns.fetch")

RETRY_STATUSES = {408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}


class RetryableError(FetchError):
    """A failure that may go away: the client tries again within its budget."""

    def __init__(
        self, message: str, *, url: str, reason: str, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message, url=url, reason=reason, status=status)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffWait:
    """tenacity wait: the server's Retry-After when it gave one, else exponential backoff with jitter."""

    def __init__(self, initial: float, maximum: float, retry_after_cap: float):
        self.exponential = wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)
        self.retry_after_cap = retry_after_cap

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableError) and exc.retry_after is not None:
            return min(exc.retry_after, self.retry_after_cap)
        return self.exponential(state)


def log_attempt(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    url = getattr(exc, "url", "")
    # warning, so a slow retrying fetch is visible at the default verbosity
    log.warning(
        "attempt %d failed (%s); retrying in %.1fs", state.attempt_number, exc, state.upcoming_sleep, extra={"url": url}
    )
