"""`wayback`: past captures of a URL prefix in the Wayback Machine, for `takedowns backfill` only."""

from __future__ import annotations

import json

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register


def cdx_rows(content: bytes) -> list[dict[str, str]]:
    """Wayback CDX API JSON output (first row: field names) -> dicts."""
    try:
        rows = json.loads(content or b"[]")
    except ValueError as exc:
        raise ShapeError(f"CDX answer does not parse: {exc}") from None
    if not rows:
        return []
    if not isinstance(rows, list) or not isinstance(rows[0], list):
        raise ShapeError("CDX answer is not a JSON table")
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if isinstance(row, list)]


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    return []  # backfill only: `takedowns backfill` lists the captures (scraper.discover.poll.backfill_source)


KIND = register(
    Kind(
        "wayback",
        "past captures of a URL prefix (backfill only)",
        discover,
        url_from="prefix",
        polled=False,
        options={
            "prefix": Option(str, "URL prefix whose captures are listed"),
            "from_year": Option(int, "first year of captures"),
            "to_year": Option(int, "last year of captures"),
            "mimetypes": Option((str, list), "MIME types of captures to keep"),
        },
    )
)
