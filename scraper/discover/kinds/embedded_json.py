"""`embedded_json`: item URLs inside JSON embedded in a page (repeated copies deduplicated)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register


def embedded_json(
    content: bytes, base_url: str, script_selector: str, url_keys: tuple[str, ...] = ("url", "link", "href")
) -> list[Candidate]:
    """URLs inside JSON embedded in a page (repeated copies deduplicated)."""
    from bs4 import BeautifulSoup  # parsers load when a source is read, not when `status` lists sources

    soup = BeautifulSoup(content, "html.parser")
    scripts = soup.select(script_selector)
    if not scripts:
        raise ShapeError(f"no embedded JSON matches {script_selector!r} on {base_url}")
    seen: dict[str, Candidate] = {}
    for script in scripts:
        try:
            data = json.loads(script.string or "")
        except ValueError as exc:
            raise ShapeError(f"embedded JSON does not parse: {exc}") from None
        for obj in _walk(data):
            for key in url_keys:
                value = obj.get(key)
                if isinstance(value, str) and value.startswith(("http://", "https://", "/")):
                    url = urljoin(base_url, value)
                    seen.setdefault(
                        url,
                        Candidate(
                            url,
                            str(obj.get("title") or obj.get("name") or ""),
                            str(obj.get("summary") or obj.get("description") or "")[:2000],
                        ),
                    )
    if not seen:
        raise ShapeError(f"embedded JSON on {base_url} holds no item URLs")
    return list(seen.values())


def _walk(data: Any) -> Iterator[dict]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    selector = source.option("script_selector", "script[type='application/json']")
    keys = tuple(source.option("url_keys", ["url", "link", "href"]))
    return embedded_json(await get(source.url), source.url, selector, keys)


KIND = register(
    Kind(
        "embedded_json",
        "item URLs in JSON embedded in a page",
        discover,
        options={
            "script_selector": Option(str, "CSS selector of the script elements holding JSON"),
            "url_keys": Option(list, "keys whose values are item URLs (default url, link, href)"),
        },
    )
)
