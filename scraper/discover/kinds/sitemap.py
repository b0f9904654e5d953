"""`sitemap`: a sitemap or sitemap index (`.xml` or `.xml.gz`), nested sitemaps followed."""

from __future__ import annotations

import gzip
import io
import logging
import zlib

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register

log = logging.getLogger("takedowns.discover")
MAX_SITEMAPS = 50  # sitemap files read in one poll, nested ones included


MAX_SITEMAP_URLS = 50_000  # sitemaps.org's own limit per file; more is capped, not refused
MAX_SITEMAP_BYTES = 256 * 1024 * 1024  # decoded XML read from one (possibly gzipped) sitemap file


def sitemap(content: bytes, max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[Candidate], list[str]]:
    """Page URLs and nested sitemap URLs of a sitemap or sitemap index (`.xml` or `.xml.gz`).

    Parsed as a stream and stopped after `max_urls` entries, so a million-URL
    sitemap costs the first `max_urls`, not a million-element tree in memory.
    """
    from defusedxml import ElementTree as SafeET  # parsers load when a source is read, not when `status` lists sources
    from defusedxml.common import DefusedXmlException

    stream: io.RawIOBase | io.BufferedIOBase = _CappedReader(
        gzip.GzipFile(fileobj=io.BytesIO(content)) if content[:2] == b"\x1f\x8b" else io.BytesIO(content)
    )
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


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    cap = int(source.option("max_candidates", MAX_SITEMAP_URLS))
    pending, seen = [source.url], set[str]()
    pages: list[Candidate] = []
    while pending and len(seen) < MAX_SITEMAPS and len(pages) < cap:
        url = pending.pop(0)
        if url in seen:
            continue
        seen.add(url)
        found, nested = sitemap(await get(url), max_urls=cap - len(pages))
        pages += found
        pending += nested
    if len(pages) >= cap:
        log.warning(
            "sitemap lists %d or more pages: only the first %d are candidates (max_candidates)",
            cap,
            cap,
            extra={"source": source.name},
        )
    if not pages:
        raise ShapeError("sitemap lists no pages")
    return pages


KIND = register(
    Kind(
        "sitemap",
        "a sitemap or sitemap index",
        discover,
        options={"max_candidates": Option(int, "pages taken from the sitemaps in one poll (default 50000)")},
    )
)
