"""Page metadata read straight from the HTML head: title, authors, site name, language, date.

trafilatura's own metadata pass (with htmldate's search) costs as much again as
its text extraction; the tags report pages actually carry are few, so they are
read here from the same parsed tree, and htmldate only runs as a last resort
(see `dates.py` for the precedence).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_date_text

_TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "parsely-title")
_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author", "byl", "citation_author")
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "twitter:site")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
)


@dataclass
class HeadMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    sitename: str | None = None
    language: str | None = None
    published: date | None = None


def _meta(tree) -> dict[str, str]:
    values: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        content = (node.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    return values


def _json_ld(tree) -> list[dict]:
    items: list[dict] = []
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
            continue
        try:
            data = json.loads(node.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return items


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def read_head(tree) -> HeadMetadata:
    meta = _meta(tree)
    ld = [
        i
        for i in _json_ld(tree)
        if str(i.get("@type", "")).lower()
        in ("article", "newsarticle", "blogposting", "report", "webpage", "scholarlyarticle", "reportagenewsarticle")
    ]
    out = HeadMetadata()
    out.title = next((meta[k] for k in _TITLE_KEYS if meta.get(k)), None) or next(
        (i.get("headline") for i in ld if i.get("headline")), None
    )
    if not out.title:
        h1 = tree.find(".//h1")
        title_node = tree.find(".//title")
        out.title = (h1.text_content().strip() if h1 is not None else None) or (
            title_node.text_content().strip() if title_node is not None else None
        )
    authors = [n for i in ld for n in _names(i.get("author"))]
    if not authors:
        authors = [meta[k] for k in _AUTHOR_KEYS if meta.get(k) and not meta[k].startswith("http")][:1]
    if not authors:
        authors = [a.text_content().strip() for a in tree.iterfind(".//a[@rel='author']") if a.text_content().strip()]
    out.authors = authors
    out.sitename = next((meta[k] for k in _SITE_KEYS if meta.get(k)), None) or next(
        (n for i in ld for n in _names(i.get("publisher"))), None
    )
    html_node = tree if tree.tag == "html" else tree.find(".//html")
    lang = (html_node.get("lang") if html_node is not None else None) or meta.get("og:locale") or ""
    out.language = re.split(r"[-_]", lang.strip())[0].lower() or None
    for raw in [meta.get(k) for k in _DATE_KEYS] + [i.get("datePublished") for i in ld]:
        if raw and (found := parse_date_text(str(raw))):
            out.published = found
            break
    return out
