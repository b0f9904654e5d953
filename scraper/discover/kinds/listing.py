"""`listing`: an HTML index page; links matched by a CSS selector, next pages followed."""

from __future__ import annotations

from urllib.parse import urljoin

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register


def listing(
    content: bytes, base_url: str, selector: str, next_selector: str | None
) -> tuple[list[Candidate], str | None]:
    from bs4 import BeautifulSoup  # parsers load when a source is read, not when `status` lists sources

    soup = BeautifulSoup(content, "html.parser")
    links = soup.select(selector)
    if not links:
        raise ShapeError(f"selector {selector!r} matches nothing on {base_url}")
    out = []
    for a in links:
        inner = a.find("a")
        href = a.get("href") or (inner.get("href") if inner is not None else None)
        if isinstance(href, str) and href:
            out.append(Candidate(urljoin(base_url, href), a.get_text(" ", strip=True)))
    next_link = soup.select_one(next_selector) if next_selector else None
    next_href = next_link.get("href") if next_link is not None else None
    return out, urljoin(base_url, next_href) if isinstance(next_href, str) and next_href else None


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    next_url: str | None = source.url
    listed: list[Candidate] = []
    for _ in range(int(source.option("max_pages", 5))):
        if not next_url:
            break
        found, next_url = listing(
            await get(next_url), next_url, source.option("selector", "a"), source.option("next_selector")
        )
        listed += found
    return listed


KIND = register(
    Kind(
        "listing",
        "an HTML index page",
        discover,
        options={
            "selector": Option(str, "CSS selector of the report links (default: every link)"),
            "next_selector": Option(str, "CSS selector of the next page's link"),
            "max_pages": Option(int, "index pages followed in one poll (default 5)"),
        },
    )
)
