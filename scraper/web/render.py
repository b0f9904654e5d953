"""Markdown (the DISARM page) to HTML that cannot run anything: markdown-it, then nh3 (ammonia)."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
_TAGS = {
    "h1",
    "h2",
    "h3",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "i",
    "b",
    "code",
    "pre",
    "br",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
}


def markdown_html(markdown: str) -> str:
    return nh3.clean(
        _MD.render(markdown),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )


def safe_href(url: str | None) -> str | None:
    """A link target only for http(s) URLs; anything else (javascript:, data:) is shown as text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None
