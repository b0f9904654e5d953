"""Clean text -> paragraphs of sentences, undoing PDF line breaks and hyphenation.

Count phrases often straddle a PDF line break ("... 36 Face-\nbook Pages"), and
Markdown tables hold counts as rows ("| Accounts in network | 52 |"): both are
turned into ordinary sentences here so the grammar sees one kind of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hyphenated compounds that must keep their hyphen when split over a line.
_KEEP_HYPHEN = (
    r"based|linked|language|run|backed|affiliated|aligned|owned|controlled|sponsored|state|origin|speaking|related"
)
_ABBREVIATIONS = (
    "U.S.",
    "U.K.",
    "e.g.",
    "i.e.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "No.",
    "approx.",
    "vs.",
    "St.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Inc.",
    "Ltd.",
    "Co.",
)
# A sentence ends at . ! or ? plus any closing quotes or brackets, which stay with it.
_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9#@*•])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪◦]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    kind: str = "text"  # "item" (list item, table row), "heading" (a short line without a full stop) or "text"


def normalise_text(text: str) -> str:
    text = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u00ad", "")
        .replace("\ufffe", "")
        .replace("\u00a0", " ")
    )
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


def paragraphs(text: str, title: str | None = None) -> list[str]:
    """Paragraphs with inner line breaks joined, table rows and list items kept apart."""
    return [p for p, _ in typed_paragraphs(text, title)]


def _kind(paragraph: str) -> str:
    if len(paragraph) <= 60 and not re.search(r"[.!?:;,]$", paragraph) and len(paragraph.split()) <= 8:
        return "heading"
    return "heading" if _title_case(paragraph) else "text"


# A line ending in one of these continues on the next line (a wrapped PDF line), never a heading.
_CONTINUES = re.compile(
    r"(?:\b(?:a|an|the|of|in|on|by|for|to|from|and|or|with|at|as|than|that|which|who|its|their|our|over|about|some|more|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|hundreds|thousand|thousands|million)|\d)$",
    re.IGNORECASE,
)


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
)
# A line that only dates the document ("May 2, 2024", "Published October 5, 2021", "Updated: 2024-05-02 at 10:00 UTC"):
# a block of its own, never the start of the sentence below it.
_DATELINE = re.compile(
    rf"(?:(?:Published|Updated|Last\s+updated|Posted|Released|Date)(?:\s+on)?\s*:?\s+)?{_DATE}"
    r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?)?\.?",
    re.IGNORECASE,
)


def is_dateline(line: str) -> bool:
    return bool(_DATELINE.fullmatch(" ".join(line.split())))


def _title_case(line: str) -> bool:
    """A heading in title case ("Coordinated Inauthentic Behavior Originating in the Islamic Republic of Iran"):
    every word of four letters or more capitalised, no closing punctuation, not too long for a heading."""
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    long = [w for w in words if len(w) >= 4]
    return (
        2 <= len(words) <= 14
        and len(long) >= 2
        and all(w[0].isupper() for w in long)
        and not re.search(r"[.!?:;,]$", line)
    )


def _heading_line(line: str, title: str = "") -> bool:
    """The document's title line, or a short (or title-case) line without closing punctuation or a comma that
    does not read as the start of a wrapped sentence (no trailing function word or number: "... 13 Pages, five"
    continues with "Groups")."""
    line = line.strip()
    if _is_title(line, title):
        return True
    short = _kind(line) == "heading"
    return bool(line) and short and "," not in line and not _CONTINUES.search(line)


def _is_title(line: str, title: str) -> bool:
    return bool(title) and " ".join(line.split()).casefold() == title


def _ends_with_heading(lines: list[str], title: str) -> bool:
    if not lines or not _heading_line(lines[-1], title):
        return False
    return len(lines) == 1 or _is_title(lines[-2], title) or bool(re.search(r"[.!?:][\"”’)\]]*$", lines[-2]))


def typed_paragraphs(text: str, title: str | None = None) -> list[tuple[str, str]]:
    """(paragraph, kind): list items and table rows are "item", short unpunctuated lines "heading".

    A blank line is a hard boundary: nothing is joined across it (HTML text has one between each of
    its blocks, `documents.html_blocks`). Lines of one block are joined (PDF text wraps sentences
    over lines), except that a
    heading line (opening the block, after a finished sentence or after the title; the
    document's `title` line always counts as one) stays its own paragraph when a
    capitalised line follows:
    web text puts a heading on the line above its paragraph ("Iran\nWe removed 93
    accounts..."), and joining them glued the heading into the sentence.
    """
    out: list[tuple[str, str]] = []
    title = " ".join((title or "").split()).casefold()
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
            if is_dateline(line):  # its own block, whatever surrounds it (a PDF's "Published ..." line)
                if current:
                    out.append((" ".join(current), "text"))
                    current = []
                out.append((line.strip(), "heading"))
                continue
            if line.strip():
                if _ends_with_heading(current, title) and re.match(r"[\"“‘(\[]?[A-Z0-9]", line.strip()):
                    if current[:-1]:
                        out.append((" ".join(current[:-1]), "text"))
                    out.append((current[-1], "heading"))
                    current = []
                current.append(line.strip())
        if current:
            out.append((" ".join(current), "text"))
    cleaned = [(re.sub(r"\s+", " ", p).strip(), k) for p, k in out if p.strip()]
    return [(p, _kind(p) if k == "text" else k) for p, k in cleaned]


def without_title(text: str, title: str | None) -> str:
    """`text` without the lines that only repeat the document's title (a page's `<h1>`, a PDF's first line):
    a title is not a sentence of the report, so never evidence for a technique."""
    key = " ".join((title or "").split()).casefold()
    if not key:
        return text
    return "\n".join(line for line in text.split("\n") if " ".join(line.split()).casefold() != key)


def split_sentences(paragraph: str) -> list[str]:
    used = [(i, abbr) for i, abbr in enumerate(_ABBREVIATIONS) if abbr in paragraph]
    protected = paragraph
    for i, abbr in used:
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts, start = [], 0
    for end in _END.finditer(protected):
        parts.append(protected[start : end.end()])
        start = end.end()
    parts.append(protected[start:])
    restored = []
    for part in parts:
        for i, abbr in used:
            part = part.replace(f"\x00{i}\x00", abbr)
        if part.strip():
            restored.append(part.strip())
    return restored


def sentences(text: str, title: str | None = None) -> list[Sentence]:
    return [Sentence(s, i, k) for i, (p, k) in enumerate(typed_paragraphs(text, title)) for s in split_sentences(p)]
