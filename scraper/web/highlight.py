"""Mark evidence sentences inside a report's clean text (pure; the template escapes every piece)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    evidence: int | None = None  # index into the evidence list when this piece is one


def find(text: str, sentence: str) -> tuple[int, int] | None:
    """Where `sentence` occurs in `text`, allowing any whitespace between its words."""
    words = sentence.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def highlight(text: str, evidence: list[str]) -> tuple[list[Segment], set[int]]:
    """`text` cut into plain and evidence segments; also the indexes of evidence found."""
    spans = sorted((span[0], span[1], i) for i, e in enumerate(evidence) if (span := find(text, e)))
    segments: list[Segment] = []
    found: set[int] = set()
    pos = 0
    for start, end, i in spans:
        if start < pos:  # overlaps one already marked
            continue
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], i))
        found.add(i)
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments, found
