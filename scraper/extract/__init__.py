"""Extract stage: stored capture bytes -> Report. Never touches the network.

`extract_report` reads HTML, PDF, plain text and Markdown; the facts a curator
needs (platform, networks with counts, followers, ad spend, origin, targets,
evidence sentences) come from `networks.extract_facts` over the clean text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scraper.fetch.sniff import document_kind
from scraper.urls import host_and_path

from .dates import choose_date
from .networks import extract_facts
from .report import Report

if TYPE_CHECKING:
    from .documents import Document, ExtractError
    from .pdf_worker import PdfLimits, PdfText

__all__ = ["ExtractError", "Report", "extract_report", "org_for_url"]


def __getattr__(name: str) -> Any:
    """The readers import trafilatura, htmldate and pypdfium2 (about a second): load them on first use,
    so commands that only read the catalogue (`status`, `stubs list`) start fast."""
    if name in ("Document", "ExtractError"):
        from . import documents

        return getattr(documents, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def org_for_url(url: str, orgs: dict[str, str]) -> str | None:
    """Longest host/path-prefix match in the org table ("medium.com/dfrlab" beats "medium.com")."""
    host, path = host_and_path(url)
    best, best_len = None, -1
    for key, org in orgs.items():
        key_host, key_path = host_and_path(f"http://{key}")  # keys are spelled like URLs, so normalised alike
        host_matches = host == key_host or host.endswith("." + key_host)
        if host_matches and path.startswith(key_path) and len(key) > best_len:
            best, best_len = org, len(key)
    return best


def extract_report(
    payload: bytes,
    *,
    url: str,
    final_url: str | None = None,
    content_type: str = "",
    orgs: dict[str, str] | None = None,
    default_org: str | None = None,
    pdf: PdfText | None = None,
    pdf_limits: PdfLimits | None = None,
) -> Report:
    """Read `payload` (HTML, PDF, text or Markdown) into a Report.

    PDFs are read in a limited worker process (`pdf_limits`), unless an async
    caller already did that and passes the result as `pdf`.

    Org: the `orgs` table by URL (longest host/path match), else `default_org`
    (the discovering source's), else the page's own site name.
    """
    from .documents import ExtractError, read_html, read_pdf, read_text  # trafilatura, pypdfium2: see __getattr__

    final_url = final_url or url
    if not payload.strip():
        raise ExtractError(f"{url}: empty document")
    kind = document_kind(content_type, payload)
    if kind is None and _looks_like_markdown_path(final_url):
        kind = "text"
    if kind == "html":
        doc = read_html(payload, final_url)
    elif kind == "pdf":
        doc = read_pdf(payload, final_url, pdf=pdf, limits=pdf_limits)
    elif kind == "text":
        doc = read_text(payload, final_url)
    else:
        raise ExtractError(f"{url}: not an HTML, PDF, text or Markdown document ({content_type or 'unknown type'})")
    return build_report(
        doc, url=url, final_url=final_url, content_type=content_type or kind, orgs=orgs or {}, default_org=default_org
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str | None) -> str | None:
    """Text without C0 control characters (tab and line breaks kept).

    A page or PDF may carry NUL and other controls; neither XML (the Atom feed),
    xlsx cells nor PostgreSQL text accept them, so they never enter a Report.
    """
    return _CONTROL.sub("", text) if text and _CONTROL.search(text) else text


def build_report(
    doc: Document, *, url: str, final_url: str, content_type: str, orgs: dict[str, str], default_org: str | None = None
) -> Report:

    doc = replace(
        doc,
        title=_printable(doc.title),
        text=_printable(doc.text) or "",
        authors=[a for a in map(_printable, doc.authors) if a],
        sitename=_printable(doc.sitename),
    )

    pub_date, source, warnings = choose_date(
        url=final_url,
        metadata=doc.metadata_date,
        dateline=doc.dateline_date,
        guessed=doc.guessed_date,
        guessed_source=doc.guessed_source,
    )
    org = org_for_url(final_url, orgs) or org_for_url(url, orgs) or default_org or doc.sitename
    facts = extract_facts(doc.text, title=doc.title, org=org)
    return Report(
        url=url,
        final_url=final_url,
        title=doc.title,
        pub_date=pub_date,
        date_source=source,
        authors=doc.authors,
        org=org,
        sitename=doc.sitename,
        language=doc.language,
        text=doc.text,
        content_type=content_type,
        platform=facts.platform,
        networks=facts.networks,
        totals=facts.totals,
        totals_evidence=facts.totals_evidence,
        totals_confidence=facts.totals_confidence,
        totals_checks=facts.totals_checks,
        warnings=warnings,
    )


def _looks_like_markdown_path(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".md", ".markdown", ".txt"))
