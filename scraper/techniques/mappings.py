"""Curators' technique mappings: the `incidenttechniques` sheet of DISARM_DATA_MASTER.xlsx.

Each usable row gives an incident id, technique ids and a cell holding the quoted report
passage (in `<i>...</i>` or `_"..."_`) followed by the curator's explanation. The passage
alone, with technique ids and names removed, is what a model may read of a test incident;
explanations only ever help describe techniques of *other* incidents.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .framework import TECHNIQUE_ID_IN_TEXT, Technique, sheet_rows

INCIDENT_ID = re.compile(r"^I\d{5}$")
_ITALIC = re.compile(r"<i>(.*?)</i>|(?<![A-Za-z0-9])_(.+?)_(?![A-Za-z0-9])", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class MappedIncident:
    incident_id: str
    techniques: list[str] = field(default_factory=list)  # in sheet order, unique
    passages: list[str] = field(default_factory=list)  # quoted report text, unique
    explanations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # technique -> curator notes
    evidence: list[tuple[str, list[str]]] = field(default_factory=list)  # (scrubbed passage, its row's technique ids)


def _clean(fragment: str) -> str:
    text = _TAG.sub(" ", _BREAK.sub("\n", fragment))
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln).strip()


def split_cell(cell: str) -> tuple[str, str]:
    """(quoted passage, curator explanation) of one `incidenttechniques` cell."""
    quotes, last = [], 0
    for m in _ITALIC.finditer(cell):
        quotes.append(m.group(1) if m.group(1) is not None else m.group(2))
        last = m.end()
    if not quotes:
        return "", _clean(cell)
    passage = "\n".join(_clean(q) for q in quotes)
    passage = "\n".join(ln.strip(" \"“”'") for ln in passage.split("\n") if ln.strip(" \"“”'[]…."))
    return passage, _clean(cell[last:])


def scrub(text: str, framework: dict[str, Technique]) -> str:
    """Remove technique ids and technique names, so a passage says nothing of its labels."""
    for tid in sorted(set(TECHNIQUE_ID_IN_TEXT.findall(text)) & framework.keys()):
        text = re.sub(
            rf"\b{re.escape(tid)}\b:?\s*(?:{re.escape(framework[tid].name)})?", " ", text, flags=re.IGNORECASE
        )
    text = TECHNIQUE_ID_IN_TEXT.sub(" ", text)
    # Multi-word names are labels wherever they appear; one-word names ("Content", "Radio",
    # "Divide") are ordinary words, removed above only where they follow their id.
    names = sorted({t.name for t in framework.values() if " " in t.name}, key=len, reverse=True)
    text = re.sub(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", text)


def load_mappings(path: Path, framework: dict[str, Technique]) -> list[MappedIncident]:
    """Incidents with usable rows (an incident id, at least one technique id in the framework)."""
    incidents: dict[str, MappedIncident] = {}
    for r in sheet_rows(path, "incidenttechniques", ("incident_id", "technique_ids", "name")):
        iid = r["incident_id"]
        ids = [t for t in TECHNIQUE_ID_IN_TEXT.findall(r["technique_ids"]) if t in framework]
        if not INCIDENT_ID.match(iid) or not ids:
            continue
        inc = incidents.setdefault(iid, MappedIncident(iid))
        passage, explanation = split_cell(r["name"])
        passage = scrub(passage, framework).strip()
        if passage and passage not in inc.passages:
            inc.passages.append(passage)
        if passage:
            inc.evidence.append((passage, ids))
        for t in ids:
            if t not in inc.techniques:
                inc.techniques.append(t)
            if explanation:
                inc.explanations[t].append(explanation)
    return [i for i in incidents.values() if i.passages]
