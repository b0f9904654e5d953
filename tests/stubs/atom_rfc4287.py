"""A strict check of the RFC 4287 rules an Atom feed of ours can break (sections cited).

Written for the tests (the W3C feed validator is a web service, not a PyPI package):
the constraints of 4.1.1 (feed), 4.1.2 (entry), 3.3 (dates), 4.2.7 (links, with a
missing rel meaning "alternate"), 4.2.6 (ids are IRIs), 3.1 (text constructs).
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
TEXT_TYPES = ("text", "html", "xhtml")


def problems(document: bytes, self_url: str | None = None) -> list[str]:
    """Every rule the feed breaks, one line each (empty: valid). `self_url`: the address it must name as rel="self"."""
    out: list[str] = []
    root = etree.fromstring(document)
    if root.tag != f"{A}feed":
        return [f"root element is {root.tag}, not atom:feed"]
    _once(root, "feed", ("id", "title", "updated"), out)
    _dates(root, "feed", out)
    _texts(root, "feed", out)
    _ids(root, "feed", out)
    _links(root, "feed", out)
    selves = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    if len(selves) != 1:
        out.append(f'feed: {len(selves)} rel="self" links (4.1.1 SHOULD have one)')
    elif self_url is not None and selves[0].get("href") != self_url:
        out.append(f"feed: self link is {selves[0].get('href')!r}, not its public URL {self_url!r}")
    feed_author = root.find(f"{A}author") is not None
    ids = Counter()
    for n, entry in enumerate(root.findall(f"{A}entry"), 1):
        where = f"entry {n} ({entry.findtext(f'{A}id')})"
        _once(entry, where, ("id", "title", "updated"), out)
        _dates(entry, where, out)
        _texts(entry, where, out)
        _ids(entry, where, out)
        _links(entry, where, out)
        ids[entry.findtext(f"{A}id")] += 1
        if not feed_author and entry.find(f"{A}author") is None and entry.find(f"{A}source/{A}author") is None:
            out.append(f"{where}: no atom:author, and the feed has none (4.1.2)")
        content = entry.find(f"{A}content")
        alternates = [link for link in entry.findall(f"{A}link") if link.get("rel", "alternate") == "alternate"]
        if content is None and not alternates:
            out.append(f"{where}: no atom:content and no alternate link (4.1.2)")
        if content is not None and content.get("src") and entry.find(f"{A}summary") is None:
            out.append(f"{where}: content with src needs a summary (4.1.2)")
    out += [f"entry id {i} appears {k} times" for i, k in ids.items() if k > 1]
    return out


def _once(element, where: str, names: tuple[str, ...], out: list[str]) -> None:
    for name in names:
        found = element.findall(f"{A}{name}")
        if len(found) != 1:
            out.append(f"{where}: {len(found)} atom:{name} elements, exactly one required")
        elif not (found[0].text or "").strip() and name != "title":
            out.append(f"{where}: atom:{name} is empty")


def _dates(element, where: str, out: list[str]) -> None:
    for name in ("updated", "published"):
        for date in element.findall(f"{A}{name}"):
            if not RFC3339.fullmatch((date.text or "").strip()):
                out.append(f"{where}: atom:{name} {date.text!r} is not an RFC 3339 date-time (3.3)")


def _texts(element, where: str, out: list[str]) -> None:
    for name in ("title", "subtitle", "summary", "rights", "content"):
        for text in element.findall(f"{A}{name}"):
            kind = text.get("type", "text")
            if name != "content" and kind not in TEXT_TYPES:
                out.append(f"{where}: atom:{name} type {kind!r} is not text, html or xhtml (3.1.1)")
            if kind == "text" and len(text):
                out.append(f"{where}: atom:{name} of type text holds child elements (3.1.1.1)")


def _ids(element, where: str, out: list[str]) -> None:
    for ident in element.findall(f"{A}id"):
        if not IRI.fullmatch((ident.text or "").strip()):
            out.append(f"{where}: atom:id {ident.text!r} is not an absolute IRI (4.2.6)")


def _links(element, where: str, out: list[str]) -> None:
    alternates: Counter = Counter()
    for link in element.findall(f"{A}link"):
        if not link.get("href"):
            out.append(f"{where}: a link without href (4.2.7.1)")
        rel = link.get("rel", "alternate")  # 4.2.7.2: no rel means "alternate"
        if rel == "alternate":
            alternates[(link.get("type"), link.get("hreflang"))] += 1
    for (kind, lang), count in alternates.items():
        if count > 1:
            out.append(
                f"{where}: {count} alternate links with type {kind!r} and hreflang {lang!r} (4.1.1/4.1.2 allow one)"
            )
