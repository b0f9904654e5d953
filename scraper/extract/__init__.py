"""Extract stage: stored capture bytes -> Report. Never touches the network.

Placeholder until the extraction work lands: title, date, authors, org and
text from HTML (trafilatura), PDF (pypdfium2) and plain text.
"""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlsplit

import trafilatura

from scraper.errors import UserError

from .report import Report

__all__ = ["ExtractError", "Report", "extract_report", "org_for_url"]


class ExtractError(UserError):
    exit_code = 4


def org_for_url(url: str, orgs: dict[str, str]) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower()
    best, best_len = None, -1
    for key, org in orgs.items():
        key_host, _, key_path = key.lower().partition("/")
        if host == key_host or host.endswith("." + key_host):
            if not key_path or path.startswith("/" + key_path):
                if len(key) > best_len:
                    best, best_len = org, len(key)
    return best


def extract_report(payload: bytes, *, url: str, final_url: str | None = None, content_type: str = "", orgs: dict[str, str] | None = None) -> Report:
    final_url = final_url or url
    if not payload.strip():
        raise ExtractError(f"{url}: empty document")
    report = Report(url=url, final_url=final_url, content_type=content_type)
    doc = trafilatura.bare_extraction(payload, url=final_url, with_metadata=True)
    if doc is None:
        raise ExtractError(f"{url}: no article text found")
    og = re.search(rb'<meta[^>]+property="og:title"[^>]+content="([^"]+)"', payload[:200_000])
    report.title = html.unescape(og.group(1).decode("utf-8", "replace")) if og else doc.title
    report.text = doc.text or ""
    report.authors = [a.strip() for a in re.split(r";|,| and ", doc.author or "") if a.strip()]
    report.sitename = doc.sitename
    report.language = doc.language
    if doc.date:
        report.pub_date, report.date_source = date.fromisoformat(doc.date[:10]), "htmldate"
    report.org = org_for_url(final_url, orgs or {}) or doc.sitename
    return report
