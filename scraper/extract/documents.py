"""Readers for each document kind: HTML (trafilatura), PDF (pypdfium2 in a worker process), text.

Each returns a `Document`: title, authors, text, site name, language, and the
date candidates that `dates.choose_date` ranks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import trafilatura

from scraper.errors import ExtractError, ExtractLimitError

from .dates import dateline_date, parse_date_text
from .html_meta import read_head
from .pdf_worker import PdfLimitError, PdfLimits, PdfText, PdfWorkerError, read_pdf_text


@dataclass
class Document:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    text: str = ""
    sitename: str | None = None
    language: str | None = None
    metadata_date: date | None = None
    dateline_date: date | None = None
    guessed_date: date | Callable[[], date | None] | None = None  # callable: computed only if needed
    guessed_source: str = "htmldate"


# htmldate is only the last resort (after metadata, URL and dateline), run lazily:
# its quick search is enough there, and the extensive one doubles extraction time.
HTMLDATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%d"}
MIN_ARTICLE_CHARS = 40  # less than a sentence is navigation, not a report
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&|\|)\s*")


def split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    names = [n.strip(" .") for n in _AUTHOR_SPLIT.split(value) if n.strip(" .")]
    out: list[str] = []
    for n in names:
        n = re.sub(r"^(?:by|written by|authors?:?)\s+", "", n, flags=re.IGNORECASE)
        if n and n not in out and len(n) < 80:
            out.append(n)
    return out


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _control_ref_to_space(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return b" " if (code < 32 and code not in (9, 10, 13)) or code == 127 else match.group(0)


def drop_control_references(payload: bytes) -> bytes:
    """`&#x1;` and other references to control characters become spaces.

    They are not allowed in HTML, and once lxml turns them into U+FFFD the
    extractor discards the whole article, so a single one made the text vanish.
    """
    return _CHAR_REF.sub(_control_ref_to_space, payload) if b"&#" in payload else payload


def read_html(payload: bytes, url: str) -> Document:
    payload = drop_control_references(payload)
    tree = trafilatura.load_html(payload)
    if tree is None:
        raise ExtractError(f"{url}: not parseable as HTML")
    head = read_head(tree)
    original = payload  # htmldate re-parses from bytes; trafilatura cleans the tree in place
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_tables=True, include_comments=False)
    text = (getattr(doc, "text", None) if doc is not None else "") or ""  # a Document (dict only with as_dict)
    if len(text.strip()) < MIN_ARTICLE_CHARS:
        raise ExtractError(f"{url}: no article text found in the HTML")
    text = html_blocks(text)
    return Document(
        title=head.title,
        authors=split_authors("; ".join(head.authors)) or byline_authors(text),
        text=text,
        sitename=head.sitename,
        language=head.language,
        metadata_date=head.published,
        dateline_date=dateline_date(text),
        guessed_date=lambda: _htmldate(original, url),
    )


def html_blocks(text: str) -> str:
    """The extractor's text with a blank line between its blocks.

    trafilatura writes each paragraph, heading, list item, table row and `<br>` line of a page
    on a line of its own: each is a block of the page, and a blank line is how the text says
    so (`sentences` joins the lines of one block, as a PDF wraps them, and never joins blocks:
    a dateline or a heading above a paragraph was read into its first sentence).
    """
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _htmldate(payload: bytes, url: str) -> date | None:
    from htmldate import find_date

    try:
        found = find_date(payload, url=url, **HTMLDATE_PARAMS)
    except Exception:  # htmldate fails on some markup; it is only a last resort
        return None
    return parse_date_text(found) if found else None


_BYLINE = re.compile(r"^\s*(?:by|written by)\s+([A-Z][^\n]{2,150})$", re.IGNORECASE | re.MULTILINE)


def byline_authors(text: str) -> list[str]:
    m = _BYLINE.search(text[:1500])
    return split_authors(m.group(1)) if m else []


def read_pdf(payload: bytes, url: str, *, pdf: PdfText | None = None, limits: PdfLimits | None = None) -> Document:
    """`pdf`: the pages already read by an async caller; otherwise a limited worker process reads them."""
    if pdf is None:
        try:
            pdf = read_pdf_text(payload, limits)
        except PdfWorkerError as exc:
            raise (ExtractLimitError if isinstance(exc, PdfLimitError) else ExtractError)(f"{url}: {exc}") from None
    pages, meta = pdf.pages, pdf.meta
    text = "\n\n".join(pages).strip()
    if not text:
        raise ExtractError(f"{url}: the PDF has no extractable text (scanned images?)")
    first = pages[0] if pages else ""
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    title: str | None = (meta.get("Title") or "").strip()
    if (
        not title
        or title.lower().startswith(("microsoft word", "untitled"))
        or title.lower().endswith((".doc", ".docx", ".pdf"))
    ):
        title = lines[0] if lines else None
    authors = split_authors(meta.get("Author"))
    if not authors:
        for line in lines[:15]:
            m = re.match(r"^(?:by|authors?:?)\s+(.+)$", line, re.IGNORECASE)
            if m:
                authors = split_authors(m.group(1))
                break
    return Document(
        title=title,
        authors=authors,
        text=text,
        metadata_date=parse_date_text(meta.get("CreationDate") or "") if meta.get("CreationDate") else None,
        dateline_date=dateline_date(first),
        guessed_source="pdf",
    )


def read_text(payload: bytes, url: str) -> Document:
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = payload.decode("latin-1")
    if "\x00" in text[:2000]:
        raise ExtractError(f"{url}: looks like a binary file, not text")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = None
    for line in lines[:20]:
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            break
    if title is None and lines:
        title = lines[0][:200]
    if title and " * **" in title:  # DISARM pages flattened to one line
        title = title.split(" * **")[0]
    title = re.sub(r"^(?:Incident|Campaign)\s+I\d{5}:\s*", "", title) if title else title
    return Document(title=title, text=text, dateline_date=dateline_date(text))
