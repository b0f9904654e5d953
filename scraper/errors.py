"""Domain errors of every stage, and how any error is put into words for a user.

Stages raise plain exceptions that say what went wrong and what to do; they do
not know about exit codes. Only the CLI (`scraper.cli.exits`) maps them to
documented exit codes, and logs and run records use `describe()`, so no
internal class name (ShapeError, OperationalError...) reaches a user. The root
`UserError` and the storage errors come from `archive.errors` (the storage
library depends on nothing here).
"""

from __future__ import annotations

from archive.errors import ArchiveError, CatalogueError, DecodeError, UnreadableRecord, UserError

__all__ = [
    "ArchiveError",
    "CatalogueError",
    "DecodeError",
    "ExtractError",
    "ExtractLimitError",
    "FetchError",
    "UnreadableRecord",
    "UserError",
    "describe",
]


class FetchError(UserError):
    """The remote side failed us: DNS, connect, timeout, HTTP error status, bad body."""

    def __init__(self, message: str, *, url: str, reason: str, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.reason = reason  # short machine-readable cause, stored in the catalogue
        self.status = status
        self.attempts = 1  # tries made; the client sets it after retrying


class ExtractError(UserError):
    """The document cannot be read (empty, corrupt, encrypted, no article)."""


class ExtractLimitError(ExtractError):
    """Extraction was stopped at its CPU, memory or time limit, or its process died: unlike a document
    that cannot be read, the item is a failure tried again later (with backoff), its capture kept."""


def describe(exc: BaseException) -> str:
    """One line for a user or a run record, naming no internal class."""
    if isinstance(exc, UserError):
        return str(exc)
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        detail = getattr(exc, "orig", None) or exc
        return f"catalogue database error: {str(detail).splitlines()[0] if str(detail) else 'no detail'}"
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"internal error: {exc}" if str(exc) else "internal error (no detail)"
