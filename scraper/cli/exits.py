"""Exit codes: the one place where errors become numbers (documented in docs/command-line.md)."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.errors import CatalogueError, DecodeError, ExtractError, FetchError, UnreadableRecord, UserError

OK = 0
FAILED = 1  # the command ran but something it reports on failed (a source, an item, a check)
USAGE = 2  # bad input: URL, option, config, missing file, unknown name
FETCH = 3  # the remote side failed: DNS, connect, timeout, HTTP status, body
EXTRACT = 4  # a stored document cannot be read
CATALOGUE = 5  # the catalogue database cannot be used
INTERNAL = 70  # a bug (EX_SOFTWARE): please report it
INTERRUPTED = 130  # Ctrl-C


@dataclass(frozen=True)
class ExitCode:
    code: int
    meaning: str


# Most specific first.
_BY_ERROR: tuple[tuple[type[BaseException], int], ...] = (
    (FetchError, FETCH),
    (DecodeError, FETCH),
    (ExtractError, EXTRACT),
    (UnreadableRecord, EXTRACT),
    (CatalogueError, CATALOGUE),
    (UserError, USAGE),
)

TABLE = (
    ExitCode(OK, "success"),
    ExitCode(
        FAILED,
        "the command ran, but what it checks or runs failed: a failing source (`status`), a source error (`poll`), "
        "failed items (`reextract`, `archive verify`)",
    ),
    ExitCode(USAGE, "bad input: a malformed URL, an unknown option, command, source or stub, an invalid config"),
    ExitCode(FETCH, "the remote side failed: DNS, connection, timeout, an HTTP error status, an unusable body"),
    ExitCode(
        EXTRACT,
        "a stored or local document cannot be read (empty, corrupt, encrypted; a WARC record missing or damaged)",
    ),
    ExitCode(CATALOGUE, "the catalogue database cannot be used (unreachable, locked, damaged)"),
    ExitCode(INTERNAL, "an internal error (a bug): rerun with TAKEDOWNS_DEBUG=1 and report the traceback"),
    ExitCode(INTERRUPTED, "interrupted (Ctrl-C)"),
)


def exit_code_for(exc: BaseException) -> int:
    from sqlalchemy.exc import SQLAlchemyError  # not at import time: keeps `takedowns --help` fast

    for kind, code in _BY_ERROR:
        if isinstance(exc, kind):
            return code
    return CATALOGUE if isinstance(exc, SQLAlchemyError) else INTERNAL
