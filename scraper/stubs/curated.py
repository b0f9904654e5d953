"""A curator's values checked before they reach a stub: countries in the stub's own
form (the names extraction stores, shown in DISARM's house style), counts only of
known removed-asset types. Shared by `stubs edit` and the desk's edit form."""

from __future__ import annotations

import difflib

from scraper.errors import UserError
from scraper.extract.assets import ASSET_TYPES
from scraper.extract.countries import closest, house_style, normalise

# What DISARM's own incidents write in their country cells that names no country.
NOT_COUNTRIES = ("EU", "World", "Unknown")


def country(name: str, field: str = "origin") -> str:
    """`name` as stubs store a country ("china" -> "China", "USA" -> "United States"), or a one-line error."""
    written = " ".join(name.split())
    for value in NOT_COUNTRIES:
        if written.casefold() == value.casefold():
            return value
    found = normalise(written, demonyms=False) or (
        normalise(written.upper(), demonyms=False) if written.casefold() in ("us", "uk") else None
    )
    if found:
        return found
    near = closest(written)
    hint = (
        f"did you mean {house_style(near)}?"
        if near
        else f"write a country's name (e.g. Iran, USA) or one of {', '.join(NOT_COUNTRIES)}"
    )
    raise UserError(f"{field}: {written!r} is not a country name: {hint}")


def countries(names: list[str], field: str = "origin") -> list[str]:
    """Each name resolved by `country`, each country once, in the curator's order."""
    return list(dict.fromkeys(country(n, field) for n in names if n.strip()))


def counts(values: dict[str, int]) -> dict[str, int]:
    """Counts whose asset types are known and whose numbers are whole and not negative, or a one-line error."""
    for asset, number in values.items():
        if asset not in ASSET_TYPES:
            near = difflib.get_close_matches(asset, ASSET_TYPES, n=1, cutoff=0.6)
            if "follower" in asset:
                hint = "followers are not removed assets (the report's followers stay in the notes); remove the line"
            else:
                hint = f"did you mean {near[0]}?" if near else "use one of " + ", ".join(ASSET_TYPES)
            raise UserError(f"counts: {asset!r} is not a removed-asset type: {hint}")
        if type(number) is not int or number < 0:
            raise UserError(f"counts: {asset} must be a whole number, got {number!r}")
    return dict(values)
