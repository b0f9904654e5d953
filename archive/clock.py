"""The catalogue's clock: every stored timestamp is naive UTC (SQLite keeps no zone)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as the catalogue stores it: UTC without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)
