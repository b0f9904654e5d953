"""The storage library's errors, with no dependency on the rest of the tool.

`UserError` is the root of every error a user can fix; it lives here, in the
lowest layer, so that `archive/` needs nothing from `scraper/` while the CLI
still catches one tree. Messages say what is wrong and what to do.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad URL, bad config, unreachable host...).

    The message must say what is wrong and what to do; the CLI prints it as
    `error: <message>` with no traceback.
    """


class ArchiveError(UserError):
    """Root of the storage library's own errors: a WARC/WACZ file or the catalogue cannot be used as asked."""


class CatalogueError(ArchiveError):
    """The catalogue database cannot be opened or used."""


class UnreadableRecord(ArchiveError):
    """A stored WARC record cannot be read (file missing, cut short, damaged): the message names the file and offset."""


class DecodeError(ArchiveError):
    """A stored or fetched body whose Content-Encoding cannot be undone (corrupt, or a bomb)."""
