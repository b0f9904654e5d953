"""Words the framework itself ties to a technique: the named examples and proper nouns of its
summary ("Examples of Chat Platforms include WhatsApp, Telegram..."), found again in a report.

A long summary dilutes a brand name in TF-IDF; matching the names one by one keeps "Telegram"
pointing at the chat-platform technique. Only the framework's own words are used, never the
curators' mappings, so every technique (mapped or not) gets its terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .framework import Technique

_EXAMPLES = re.compile(r"[Ee]xamples? (?:of [^.]*? )?(?:include|are|such as)s?:? ([^.<]*)")
_LIST_SEP = re.compile(r",|;|\band\b|\bor\b|\betc\b")
_REFERENCE = re.compile(r"\(T\d{4}[^)]*\)")  # "(T0143.002: Fabricated Persona, ...)": another technique's label
_CLAUSE = re.compile(r"[.;:!?]\s+|<br\s*/?>", re.IGNORECASE)
_CAPITALISED = re.compile(r"[A-Za-z][A-Za-z0-9]+")


def example_terms(summary: str) -> set[str]:
    """Capitalised items of the summary's "Examples ... include A, B and C" lists."""
    out: set[str] = set()
    for listed in _EXAMPLES.findall(summary):
        for part in _LIST_SEP.split(listed):
            part = re.sub(r"\(.*?\)", "", part).strip()
            if part and part[0].isupper() and len(part) < 40:
                out.add(part)
    return out


def proper_nouns(summary: str, jargon: set[str]) -> set[str]:
    """Capitalised words not opening a clause, minus the framework's own vocabulary (`jargon`:
    words of technique names, such as "Persona") and other techniques' labels."""
    out: set[str] = set()
    for clause in _CLAUSE.split(_REFERENCE.sub(" ", summary)):
        for word in _CAPITALISED.findall(clause)[1:]:
            low = word.lower()
            if word[0].isupper() and len(word) > 2 and low not in jargon and low not in ENGLISH_STOP_WORDS:
                out.add(word)
    return out


@dataclass(frozen=True)
class Lexicon:
    """Per technique (in `ids` order): its example terms and proper nouns, and one pattern finding
    them all in a text."""

    examples: list[frozenset[str]]
    nouns: list[frozenset[str]]
    noun_weight: dict[str, float]  # 1 / how many techniques name the noun: "Facebook" counts less than "Pastebin"
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, framework: dict[str, Technique], ids: list[str]) -> Lexicon:
        jargon = {w.lower() for t in framework.values() for w in _CAPITALISED.findall(t.name)}
        examples = [frozenset(example_terms(framework[t].summary)) for t in ids]
        nouns = [frozenset(proper_nouns(framework[t].summary, jargon)) for t in ids]
        counts: dict[str, int] = {}
        for ns in nouns:
            for n in ns:
                counts[n] = counts.get(n, 0) + 1
        terms = sorted(set().union(*examples, *nouns), key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b") if terms else None
        return cls(examples, nouns, {n: 1.0 / c for n, c in counts.items()}, pattern)

    def signals(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(example terms found, weighted proper nouns found) per technique."""
        found = set(self.pattern.findall(text)) if self.pattern else set()
        examples = np.array([len(found & e) for e in self.examples], dtype=float)
        nouns = np.array([sum(self.noun_weight[n] for n in found & ns) for ns in self.nouns])
        return examples, nouns
