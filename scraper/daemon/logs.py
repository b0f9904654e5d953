"""Every log line written while a source runs names that source.

The daemon sets `current_source` for the duration of a poll (contextvars
follow asyncio tasks); a filter on the log handlers copies it onto records
that do not already say which source they concern.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

current_source: ContextVar[str | None] = ContextVar("current_source", default=None)


class SourceFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "source"):
            name = current_source.get()
            if name is not None:
                record.source = name
        return True


def install_source_filter() -> None:
    """Attach the filter to every root handler (idempotent); make daemon lines visible."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SourceFilter) for f in handler.filters):
            handler.addFilter(SourceFilter())
    daemon_log = logging.getLogger("takedowns")
    if daemon_log.getEffectiveLevel() > logging.INFO:
        daemon_log.setLevel(logging.INFO)
