"""What a stub says, derived from Reports: pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from scraper.extract.platforms import org_platform
from scraper.extract.report import Report
from scraper.extract.sentences import split_sentences, typed_paragraphs

_YEAR_STARTED = re.compile(
    r"\b(?:since|began\s+(?:in|as\s+early\s+as)|starting\s+in|active\s+since|dating\s+back\s+to|as\s+early\s+as|first\s+(?:appeared|active)\s+in)\s+(?:at\s+least\s+)?(?:early\s+|late\s+|mid-?)?(?:\w+\s+)?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
SUMMARY_MAX = 700


def is_platform_report(report: Report) -> bool:
    """The disarming platform's own disclosure (Meta on about.fb.com, Google TAG on blog.google, ...),
    as opposed to a retelling of it by a wire, a paper or a researcher: it leads the stub it is cited by."""
    return report.platform is not None and org_platform(report.org) == report.platform


def lead_index(reports: list[Report]) -> int:
    """Which report a stub takes its name, summary, counts and date from: the first platform report, else the first."""
    return next((i for i, r in enumerate(reports) if is_platform_report(r)), 0)


def disagreements(lead: dict[str, int], other: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Asset types both state with different numbers: {type: (lead's, other's)} (a type only one states is no
    disagreement)."""
    return {k: (lead[k], v) for k, v in other.items() if k in lead and lead[k] != v}


def part_key(origin: list[str]) -> str:
    """A network's part of its report: its origin countries ("Venezuela", "Russia/Ukraine")."""
    return "/".join(origin)[:255]


def parts(report: Report) -> list[str]:
    """The operations a report describes, one per origin of its networks, in the order it names them.

    A report naming networks of two or more origins (a TAG bulletin's Venezuela and Nigeria
    operations) describes as many operations, each its own DISARM incident; otherwise the
    report is one operation, [""] (the whole report).
    """
    keys = list(dict.fromkeys(part_key(n.origin) for n in report.networks if n.origin))
    return keys if len(keys) > 1 else [""]


def report_part(report: Report, part: str) -> Report:
    """The report as one of its operations: only that part's networks, without the report-wide totals.
    Networks stating no origin stay with the first part (they follow the report's lead)."""
    keys = parts(report)
    if not part or part not in keys:
        return report
    networks = [n for n in report.networks if part_key(n.origin) == part or (not n.origin and part == keys[0])]
    return replace(report, networks=networks, totals={}, totals_evidence=[])


def name(report: Report, part: str = "") -> str:
    """A stub's name from its lead report: the title, and the operation's origin when the report names several."""
    title = report.title or report.url
    return f"{title} ({part})" if part else title


def is_takedown(report: Report) -> tuple[bool, str]:
    """A stub is worth a curator's time when the report states removed assets."""
    counts = report.asset_counts()
    if counts:
        return True, "removed-asset counts: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    return False, "no counts of removed assets found"


def summary(report: Report) -> str:
    """The report's lead, with the key numbers, in clean sentences without repeats.

    The opening paragraph that states the removed assets when there is one near
    the top; otherwise the first paragraph followed by the sentence with the counts.
    Headings and the title are never part of it (they are their own paragraphs), and
    a sentence already said (a standfirst repeated as the first paragraph) is said once.
    """
    title = _plain(report.title or "")
    # prose paragraphs only: headings, datelines, list items and the title are their own blocks (sentences.py)
    paragraphs = [
        p
        for p, kind in typed_paragraphs(report.text, report.title)
        if kind == "text" and len(p) > 60 and _plain(p) != title
    ]
    evidence = next((e for n in report.networks for e in n.evidence), None) or next(iter(report.totals_evidence), None)
    lead = paragraphs[0] if paragraphs else (report.title or "")
    if evidence:
        evidence = re.sub(r"\s+", " ", evidence)
        holding = next((i for i, p in enumerate(paragraphs[:3]) if evidence[:80] in p), None)
        if holding is not None:
            lead = paragraphs[holding]
        elif evidence not in lead:
            lead = f"{lead} {evidence}"
    said: set[str] = set()
    kept = []
    for sentence in split_sentences(lead):
        if title and _plain(sentence).startswith(title + " "):  # a long title line joined to the paragraph below it
            sentence = sentence[len((report.title or "").strip()) :].strip()
        if sentence and _plain(sentence) != title and not _repeats(_plain(sentence), said):
            said.add(_plain(sentence))
            kept.append(sentence)
    lead = " ".join(kept)
    if len(lead) > SUMMARY_MAX:
        cut = lead[:SUMMARY_MAX].rsplit(". ", 1)[0]
        lead = cut if cut.endswith(".") else cut + "."
    return lead.strip()


def _repeats(sentence: str, said: set[str]) -> bool:
    """Whether `sentence` (plain) says again what one already said does: the same, or one holding the
    other (a standfirst that adds a dateline, an evidence sentence cut from a longer one)."""
    return any(sentence == s or (min(len(s), len(sentence)) >= 40 and (s in sentence or sentence in s)) for s in said)


def _plain(text: str) -> str:
    """Text compared for repeats: case, spacing and closing punctuation ignored."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".!?").casefold()


def year_started(report: Report) -> str:
    years = [int(m.group(1)) for m in _YEAR_STARTED.finditer(report.text)]
    return str(min(years)) if years else ""


def countries(report: Report) -> tuple[list[str], list[str]]:
    origin: list[str] = []
    targets: list[str] = []
    for n in report.networks:
        origin += [c for c in n.origin if c not in origin]
        targets += [c for c in n.targets if c not in targets]
    return origin, targets


def notes(reports: list[Report]) -> str:
    """Counts per network with the sentences they came from, so every number can be checked."""
    lines: list[str] = []
    for report in reports:
        lines.append(f"Extracted by takedown-archiver from {report.url}:")
        for i, n in enumerate(report.networks, 1):
            counts = (
                ", ".join(f"{k}={v}{' (approx.)' if k in n.approximate else ''}" for k, v in n.counts.items())
                or "no counts"
            )
            where = f" origin {'/'.join(n.origin)}" if n.origin else ""
            where += f", targets {'/'.join(n.targets)}" if n.targets else ""
            lines.append(f"- network {i}:{where} {counts}".rstrip())
            if n.followers:
                lines.append("  followers: " + ", ".join(f"{k}={v}" for k, v in n.followers.items()))
            if n.ad_spend_usd is not None:
                lines.append(f"  ad spend: USD {n.ad_spend_usd}")
            lines += [f'  evidence: "{e}"' for e in n.evidence]
        if report.totals:
            lines.append("- totals: " + ", ".join(f"{k}={v}" for k, v in report.totals.items()))
            lines += [f'  evidence: "{e}"' for e in report.totals_evidence]
    return "\n".join(lines)


def stub_notes(blocks: list[str], curator_counts: dict[str, int] | None) -> str:
    """A stub's notes: its cited reports' `notes` blocks, then the counts a curator set (None: not edited).

    A blank line parts them: each block ends in a list item, and a line right after one is
    that item's lazy continuation in Markdown (the next report's "Extracted by ..." was swallowed).
    """
    parts = [b for b in blocks if b]
    if curator_counts is not None:
        parts.append(
            "Counts corrected by a curator: " + (", ".join(f"{k}={v}" for k, v in curator_counts.items()) or "none")
        )
    return "\n\n".join(parts)


def disarm_date(d: date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def match_reason(
    report: Report,
    *,
    platform: str | None,
    origin: list[str],
    counts: dict[str, int],
    first_pub_date: date | None,
    window_days: int,
) -> str | None:
    """Why `report` describes the same takedown as an existing stub, or None when it does not.

    Same platform, overlapping origin (when both state one), publication dates
    within the window, and at least one identical count of removed assets.
    """
    if not (report.platform and platform and report.platform == platform):
        return None
    report_origin, _ = countries(report)
    if report_origin and origin and not set(report_origin) & set(origin):
        return None
    if not (report.pub_date and first_pub_date) or abs((report.pub_date - first_pub_date).days) > window_days:
        return None
    shared = sorted(k for k, v in report.asset_counts().items() if counts.get(k) == v)
    if not shared:
        return None
    days = abs((report.pub_date - first_pub_date).days)
    origin_text = f", origin {'/'.join(sorted(set(report_origin) & set(origin)))}" if report_origin and origin else ""
    return f"same platform {platform}{origin_text}, published {days} day(s) apart, matching counts " + ", ".join(
        f"{k}={counts[k]}" for k in shared
    )
