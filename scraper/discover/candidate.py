"""A candidate report URL, and the error a source raises when it changed shape."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.errors import UserError


class ShapeError(UserError):
    """The page or feed does not have the shape this source kind expects (a source error)."""


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str = ""
    summary: str = ""
    published: str | None = None  # ISO date, when the listing gives one
    repoll: bool = False  # fetch again even if seen (a page still being updated)
    optional: bool = False  # may not exist (a 404 is a normal answer, not an error)
