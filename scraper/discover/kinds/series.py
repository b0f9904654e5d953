"""`series`: URLs of a predictable series (one report per quarter or month), built from a template."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register


def series(template: str, start: str, today: date | None = None, step: str = "quarter") -> list[Candidate]:
    """URLs of a predictable series from `start` ("2023-Q1" or "2023-01") to now; the current period is re-polled."""
    today = today or datetime.now(timezone.utc).date()
    m = re.fullmatch(r"(\d{4})-(?:Q([1-4])|(\d{2}))", start.strip())
    if not m:
        raise ShapeError(f"series start must look like 2023-Q1 or 2023-01, got {start!r}")
    year = int(m.group(1))
    index = int(m.group(2) or m.group(3))
    out = []
    per_year = 4 if step == "quarter" else 12
    current = (today.year, (today.month - 1) // 3 + 1 if per_year == 4 else today.month)
    while (year, index) <= current:
        url = template.format(year=year, quarter=index, month=f"{index:02d}", q=index)
        out.append(Candidate(url, repoll=(year, index) == current, optional=True))  # absent periods answer 404
        index += 1
        if index > per_year:
            year, index = year + 1, 1
    return out


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    return series(source.url, str(source.option("start", "2023-Q1")), step=source.option("step", "quarter"))


def _check(table: dict[str, Any]) -> str | None:
    if "{" not in str(table.get("template", "")):
        return "template must contain {quarter}/{year} (or {month}) placeholders"
    if table.get("step", "quarter") not in ("quarter", "month"):
        return f"step must be quarter or month, got {table.get('step')!r}"
    return None


KIND = register(
    Kind(
        "series",
        "a predictable series of report URLs",
        discover,
        url_from="template",
        http_url=False,
        check=_check,
        options={
            "template": Option(str, "URL with {year} and {quarter} (or {month}) placeholders"),
            "start": Option(str, "first period, like 2023-Q1 or 2023-01"),
            "step": Option(str, "quarter or month"),
        },
    )
)
