"""Is a candidate worth fetching, and is the fetched report a takedown disclosure?

Two gates, each with a stored reason: before fetching, the source's keyword and
URL-pattern filters on what the feed or listing says; after extraction, the
report itself (removed-asset counts, or the vocabulary of takedowns).
"""

from __future__ import annotations

import re

from scraper.extract.report import Report

from .candidate import Candidate, Source

TAKEDOWN_TERMS = re.compile(
    r"coordinated inauthentic behaviou?r|influence operations?|information operations?|covert influence|"
    r"state[- ]backed|state[- ]linked|platform manipulation|took down|taken down|takedowns?|"
    r"removed \S+ (?:accounts|pages|channels)|terminated \S+ (?:youtube )?channels|suspended \S+ accounts"
    r"|fake accounts|troll farm",
    re.IGNORECASE,
)


def prefilter(source: Source, candidate: Candidate) -> tuple[bool, str]:
    """Decide from the listing alone; without filters configured everything passes."""
    if candidate.url in source.force_include:
        return True, "force-included in the config"
    for pattern in source.exclude_patterns:
        if re.search(pattern, candidate.url):
            return False, f"URL matches exclude pattern {pattern!r}"
    if not source.keywords and not source.url_patterns:
        return True, "source has no filters"
    for pattern in source.url_patterns:
        if re.search(pattern, candidate.url):
            return True, f"URL matches {pattern!r}"
    haystack = f"{candidate.title} {candidate.summary}".lower()
    matched = [k for k in source.keywords if k.lower() in haystack]
    if matched:
        return True, "keywords: " + ", ".join(matched)
    return False, "no keyword in title or summary" + (" and no URL pattern matched" if source.url_patterns else "")


def judge(report: Report | None) -> tuple[bool, str]:
    """After extraction: keep takedown disclosures and analyses of them."""
    if report is None:
        return False, "nothing could be extracted"
    counts = report.asset_counts()
    if counts:
        return True, "counts found: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    terms = sorted({m.group(0).lower() for m in TAKEDOWN_TERMS.finditer(f"{report.title or ''} {report.text[:20000]}")})
    if terms:
        return True, "takedown terms: " + ", ".join(terms[:5])
    return False, "no removed-asset counts and no takedown vocabulary"
