"""Clean text -> paragraphs of sentences, undoing PDF line breaks and hyphenation.

Count phrases often straddle a PDF line break ("... 36 Face-\nbook Pages"), and
Markdown tables hold counts as rows ("| Accounts in network | 52 |"): both are
turned into ordinary sentences here so the grammar sees one kind of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hyphenated compounds that must keep their hyphen when split over a line.
_KEEP_HYPHEN = r"based|linked|language|run|backed|affiliated|aligned|owned|controlled|sponsored|state|origin|speaking|related"
_ABBREVIATIONS = ("U.S.", "U.K.", "e.g.", "i.e.", "Mr.", "Mrs.", "Ms.", "Dr.", "No.", "approx.", "vs.", "St.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "Inc.", "Ltd.", "Co.")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9#@*•])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪◦]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    kind: str = "text"  # "item" (list item, table row), "heading" (a short line without a full stop) or "text"


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "").replace("\ufffe", "").replace("\u00a0", " ")
    text = re.sub(rf"(\w)-[ \t]*\n[ \t]*(?!(?:{_KEEP_HYPHEN})\b)([a-z])", r"\1\2", text)
    text = re.sub(rf"(\w)-[ \t]*\n[ \t]*((?:{_KEEP_HYPHEN})\b)", r"\1-\2", text)
    return text


def _table_row(line: str) -> str | None:
    """'| Accounts in network | 52 |' -> 'Accounts in network: 52.'; separator rows -> ''."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.count("|") >= 2):
        return None
    cells = [c.strip() for c in stripped.strip("|").split("|")]
    if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
        return ""
    return ": ".join(c for c in cells if c) + "."


def paragraphs(text: str) -> list[str]:
    """Paragraphs with inner line breaks joined, table rows and list items kept apart."""
    return [p for p, _ in typed_paragraphs(text)]


def _kind(paragraph: str) -> str:
    if len(paragraph) <= 60 and not re.search(r"[.!?:;,]$", paragraph) and len(paragraph.split()) <= 8:
        return "heading"
    return "text"


def typed_paragraphs(text: str) -> list[tuple[str, str]]:
    """(paragraph, kind): list items and table rows are "item", short unpunctuated lines "heading"."""
    out: list[tuple[str, str]] = []
    for block in re.split(r"\n[ \t]*\n", normalise_text(text)):
        current: list[str] = []
        for line in block.split("\n"):
            row = _table_row(line)
            if row is not None or _LIST_ITEM.match(line) or line.lstrip().startswith("#"):
                if current:
                    out.append((" ".join(current), "text"))
                    current = []
                if row:
                    out.append((row, "item"))
                elif row is None:
                    heading = line.lstrip().startswith("#")
                    out.append((_LIST_ITEM.sub("", line).lstrip("# ").strip(), "heading" if heading else "item"))
                continue
            if line.strip():
                current.append(line.strip())
        if current:
            out.append((" ".join(current), "text"))
    cleaned = [(re.sub(r"\s+", " ", p).strip(), k) for p, k in out if p.strip()]
    return [(p, _kind(p) if k == "text" else k) for p, k in cleaned]


def split_sentences(paragraph: str) -> list[str]:
    used = [(i, abbr) for i, abbr in enumerate(_ABBREVIATIONS) if abbr in paragraph]
    protected = paragraph
    for i, abbr in used:
        protected = protected.replace(abbr, f"\x00{i}\x00")
    restored = []
    for part in _SPLIT.split(protected):
        for i, abbr in used:
            part = part.replace(f"\x00{i}\x00", abbr)
        if part.strip():
            restored.append(part.strip())
    return restored


def sentences(text: str) -> list[Sentence]:
    return [Sentence(s, i, k) for i, (p, k) in enumerate(typed_paragraphs(text)) for s in split_sentences(p)]
