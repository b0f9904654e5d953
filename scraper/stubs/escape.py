"""Make text safe for DISARM's Markdown: no broken tables, no injected markup."""

from __future__ import annotations

import html
import re


def inline(text: str | None) -> str:
    """One line of Markdown text: HTML escaped, line breaks as <br> (as DISARM's pages write them)."""
    if not text:
        return ""
    escaped = html.escape(text.strip(), quote=False)
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def cell(text: str | None) -> str:
    """A table cell: `inline`, plus pipes escaped so a hostile value cannot add columns."""
    return inline(text).replace("|", "\\|")


def link_target(url: str) -> str:
    """A URL inside (...) of a Markdown link: no spaces, parentheses or pipes left raw."""
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")


def unescape_cell(text: str) -> str:
    return html.unescape(text.replace("\\|", "|").replace("<br>", "\n"))
