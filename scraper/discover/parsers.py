"""Pure parsers, one per source kind: fetched bytes -> candidate report URLs.

Each raises `ShapeError` when the input no longer looks the way the source
kind expects (a feed that does not parse, a selector that matches nothing),
so a changed site is reported instead of silently yielding nothing.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from scraper.errors import UserError

MAX_FEED_BYTES = 20 * 1024 * 1024


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


def feed(content: bytes, base_url: str) -> list[Candidate]:
    if len(content) > MAX_FEED_BYTES:
        raise ShapeError(f"feed larger than {MAX_FEED_BYTES} bytes")
    if re.search(rb"<!ENTITY", content, re.IGNORECASE):  # the whole document: a DTD can follow 4 KB of padding
        raise ShapeError("feed declares XML entities (possible entity bomb); refused")
    parsed = feedparser.parse(content)
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        raise ShapeError(f"feed has no entries{problem}")
    out = []
    for entry in parsed.entries:
        link = entry.get("link") or next((link_.get("href") for link_ in entry.get("links", []) if link_.get("href")), None)
        if not link:
            continue
        published = None
        with warnings.catch_warnings():  # feedparser warns when it maps updated_parsed to published_parsed
            warnings.simplefilter("ignore", DeprecationWarning)
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            try:
                published = date(*stamp[:3]).isoformat()
            except (TypeError, ValueError):
                published = None  # an invalid date never stops the item
        summary = BeautifulSoup(entry.get("summary", "") or "", "html.parser").get_text(" ", strip=True)
        out.append(Candidate(urljoin(base_url, link), entry.get("title", "") or "", summary[:2000], published))
    return out


MAX_SITEMAP_URLS = 50_000  # sitemaps.org's own limit per file; more is capped, not refused
MAX_SITEMAP_BYTES = 256 * 1024 * 1024  # decoded XML read from one (possibly gzipped) sitemap file


def sitemap(content: bytes, max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[Candidate], list[str]]:
    """Page URLs and nested sitemap URLs of a sitemap or sitemap index (`.xml` or `.xml.gz`).

    Parsed as a stream and stopped after `max_urls` entries, so a million-URL
    sitemap costs the first `max_urls`, not a million-element tree in memory.
    """
    stream: io.RawIOBase | io.BufferedIOBase = _CappedReader(gzip.GzipFile(fileobj=io.BytesIO(content)) if content[:2] == b"\x1f\x8b" else io.BytesIO(content))
    pages: list[Candidate] = []
    nested: list[str] = []
    root_tag = None
    try:
        for event, node in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            name = node.tag.split("}")[-1]
            if root_tag is None:
                root_tag = name
                if name not in ("urlset", "sitemapindex"):
                    raise ShapeError(f"not a sitemap (root element {name})")
            if event != "end" or name not in ("url", "sitemap"):
                continue
            loc = lastmod = None
            for child in node:
                tag = child.tag.split("}")[-1]
                if tag == "loc":
                    loc = (child.text or "").strip()
                elif tag == "lastmod":
                    lastmod = (child.text or "").strip()[:10] or None
            node.clear()  # keep memory flat: the entry is copied out
            if loc and name == "url" and root_tag == "urlset":
                pages.append(Candidate(loc, published=lastmod))
            elif loc and name == "sitemap" and root_tag == "sitemapindex":
                nested.append(loc)
            if len(pages) + len(nested) >= max_urls:
                break
    except (SafeET.ParseError, DefusedXmlException, OSError, EOFError, zlib.error) as exc:
        raise ShapeError(f"sitemap does not parse: {exc}") from None
    if root_tag is None:
        raise ShapeError("sitemap does not parse: empty document")
    return pages, nested


class _CappedReader(io.RawIOBase):
    """Reads from `inner` but stops with an error past MAX_SITEMAP_BYTES (a gzip bomb of whitespace)."""

    def __init__(self, inner: io.IOBase):
        self.inner, self.total = inner, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.total += len(data)
        if self.total > MAX_SITEMAP_BYTES:
            raise OSError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes decoded")
        buffer[: len(data)] = data
        return len(data)


def listing(content: bytes, base_url: str, selector: str, next_selector: str | None) -> tuple[list[Candidate], str | None]:
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


def github_index(content: bytes, raw_base: str, markdown_dir: str = "indicators") -> list[Candidate]:
    """Meta threat-research `index.json`: each report's reference URLs, and its per-network
    Markdown summary (raw file URL; older reports have none, so it is optional)."""
    try:
        items = json.loads(content)
    except ValueError as exc:
        raise ShapeError(f"index.json does not parse: {exc}") from None
    if isinstance(items, dict):
        items = items.get("reports") or next((v for v in items.values() if isinstance(v, list)), None)
    if not isinstance(items, list) or not any(isinstance(i, dict) and i.get("id") for i in items):
        raise ShapeError("index.json lists no reports with ids")
    out: list[Candidate] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        published = str(item.get("reported_ds") or "")[:10] or None
        out.append(Candidate(f"{raw_base.rstrip('/')}/{markdown_dir}/{item['id']}.md", str(item["id"]), published=published, optional=True))
        for url in item.get("reference_urls") or []:
            if isinstance(url, str) and url.startswith("http"):
                out.append(Candidate(url, str(item["id"]), published=published))
    return out


def embedded_json(content: bytes, base_url: str, script_selector: str, url_keys: tuple[str, ...] = ("url", "link", "href")) -> list[Candidate]:
    """URLs inside JSON embedded in a page (repeated copies deduplicated)."""
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
                    seen.setdefault(url, Candidate(url, str(obj.get("title") or obj.get("name") or ""), str(obj.get("summary") or obj.get("description") or "")[:2000]))
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
