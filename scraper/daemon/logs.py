"""Every log line written while a source runs names that source.

The daemon sets `current_source` for the duration of a poll (contextvars
follow asyncio tasks); a filter on the log handlers copies it onto records
that do not already say which source they concern.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

current_source: ContextVar[str | None] = ContextVar("current_source", default=None)


class SourceFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "source"):
            name = current_source.get()
            if name is not None:
                record.source = name
        return True


@contextmanager
def daemon_logging() -> Iterator[None]:
    """While the daemon runs: source names on every handler, its own INFO lines shown.

    Both are undone afterwards, so a daemon run inside another program (tests,
    the demo) leaves that program's logging as it was.
    """
    handlers = list(logging.getLogger().handlers)
    source_filter = SourceFilter()
    for handler in handlers:
        handler.addFilter(source_filter)
    daemon_log = logging.getLogger("takedowns")
    level = daemon_log.level
    if daemon_log.getEffectiveLevel() > logging.INFO:
        daemon_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        daemon_log.setLevel(level)
        for handler in handlers:
            handler.removeFilter(source_filter)
