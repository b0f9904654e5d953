"""Publication dates, with a documented precedence.

1. structured metadata in the page (JSON-LD `datePublished`, `article:published_time`, ...)
2. a date in the URL path (`/2021/10/17/`, `/2021/10/`, `/2021-10-17`)
3. a visible dateline in the text ("PARIS, FRANCE, October 17, 2021 /EINPresswire.com/")
4. htmldate's guess (through trafilatura), or a PDF's metadata / first page

When the URL path carries a date, every other source is cross-checked against
its year and month: a disagreeing candidate (often a "last updated" date) is
skipped, and if none agrees the URL's own date wins, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MDY = re.compile(rf"\b(?P<m>{_MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH_RE})\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)")

_URL_DATE_RE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>0[1-9]|1[0-2])(?:[/-](?P<d>0[1-9]|[12]\d|3[01]))?(?=[/-]|$|\.)"
)


@dataclass(frozen=True)
class UrlDate:
    year: int
    month: int
    day: int | None

    def agrees(self, d: date) -> bool:
        return (d.year, d.month) == (self.year, self.month)

    def as_date(self) -> date:
        return date(self.year, self.month, self.day or 1)


def date_from_url(url: str) -> UrlDate | None:
    m = _URL_DATE_RE.search(urlsplit(url).path)
    if not m:
        return None
    return UrlDate(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)


def parse_date_text(value: str) -> date | None:
    """An ISO timestamp, 'October 17, 2021', '17 October 2021', or a PDF 'D:20211201...' date."""
    value = value.strip()
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})", value) or re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    for pattern in (_MDY, _DMY):
        m = pattern.search(value)
        if m:
            try:
                return date(int(m.group("y")), MONTHS[m.group("m").lower()[:3]], int(m.group("d")))
            except (ValueError, KeyError):
                return None
    return None


def dateline_date(text: str) -> date | None:
    """A date written near the top of the text, as datelines and bylines do."""
    head = text[:1500]
    candidates = [m for p in (_MDY, _DMY) for m in p.finditer(head)]
    for m in sorted(candidates, key=lambda m: m.start()):
        found = parse_date_text(m.group(0))
        if found:
            return found
    return None


def choose_date(
    *,
    url: str,
    metadata: date | None = None,
    dateline: date | None = None,
    guessed: date | Callable[[], date | None] | None = None,
    guessed_source: str = "htmldate",
) -> tuple[date | None, str | None, list[str]]:
    """Apply the precedence above; returns (date, source, warnings). `guessed` may be lazy."""
    url_date = date_from_url(url)
    warnings: list[str] = []
    ranked = [
        (metadata, "metadata"),
        (url_date.as_date() if url_date and url_date.day else None, "url"),
        (dateline, "dateline"),
        (guessed, guessed_source),
    ]
    for candidate, source in ranked:
        if callable(candidate):
            candidate = candidate()
        if candidate is None:
            continue
        if url_date is None or url_date.agrees(candidate):
            return candidate, source, warnings
        warnings.append(
            f"{source} date {candidate.isoformat()} disagrees with the URL path ({url_date.year}/{url_date.month:02d});"
            " skipped"
        )
    if url_date is not None:
        return url_date.as_date(), "url", warnings
    return None, None, warnings
