"""A curator's edit of a stub: the edit form's fields read into values, and edited values shown back."""

from __future__ import annotations

import re
from typing import Any

from scraper.errors import UserError

_COUNT_LINE = re.compile(r"^\s*([a-z][a-z0-9_]{0,40})\s*[=:]\s*([0-9][0-9,]{0,12})\s*$")


def parse_counts(text: str) -> dict[str, int]:
    """`asset_type = N` lines (the edit form) -> counts; a malformed line is the user's to fix."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _COUNT_LINE.match(line)
        if not m:
            raise UserError(
                f"counts: cannot read {line.strip()[:60]!r}: "
                "write one `asset_type = number` per line, e.g. facebook_accounts = 93"
            )
        counts[m.group(1)] = int(m.group(2).replace(",", ""))
    return counts


def parse_countries(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def edit_value(value: Any) -> str:
    """An edited field as a curator reads it: counts as `k = n` pairs, countries as a list, never a Python repr."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v:,}" if isinstance(v, int) else f"{k} = {v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
