"""A light, offline technique suggester: TF-IDF retrieval over what curators wrote.

Three signals, each scaled to [0, 1] and added with fixed weights:
- `profile`: the whole report against each technique's profile (its name and summary in
  the framework, plus the quoted passages and curator explanations of incidents mapped to it);
- `sentence`: the best single report sentence against that profile, and against labelled
  clauses (a curator's clause followed by "(T0097.208: ...)" in explanations and summaries);
- `prior`: how often curators used the technique.
Only techniques curators have mapped at least once are candidates: unmapped framework
techniques have no worked example and, in leave-one-out runs, only add noise. A technique
is suggested only with report sentences that support it (positive similarity), quoted exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from .framework import TECHNIQUE_ID_IN_TEXT, Technique
from .mappings import MappedIncident, scrub
from .quotes import quoted_sentences
from .suggestion import Suggestion

MODEL_VERSION = "2"
_PAREN_IDS = re.compile(r"\(([^()]*\bT\d{4}[^()]*)\)")


@dataclass(frozen=True)
class Weights:
    profile: float = 1.0
    clause: float = 0.5
    sentence: float = 1.0
    prior: float = 0.3


def labelled_clauses(text: str, framework: dict[str, Technique]) -> list[tuple[str, list[str]]]:
    """(clause, technique ids) for each clause a parenthesised id list follows."""
    out, last = [], 0
    for m in _PAREN_IDS.finditer(text):
        ids = [t for t in TECHNIQUE_ID_IN_TEXT.findall(m.group(1)) if t in framework]
        clause, last = text[last : m.start()], m.end()
        if len(clause) > 300:  # keep the sentence the ids close, not the whole paragraph
            clause = re.split(r"(?<=[.;:])\s", clause)[-1]
        clause = scrub(clause, framework).strip()
        if ids and clause:
            out.append((clause, ids))
    return out


_WORD = re.compile(r"[a-z][a-z0-9]+")
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def _stem(word: str) -> str:
    """A crude suffix stripper ("personas" ~ "persona", "impersonated" ~ "impersonat"), enough
    for TF-IDF on a few hundred short texts and free of any model download."""
    if len(word) > 4 and not word.endswith("ss"):
        for suffix, repl in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)] + repl
    return word


def analyse(text: str) -> list[str]:
    """Lower-cased stemmed words without English stop words, plus word pairs."""
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def _scaled(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if v.size else 0.0
    return v / top if top > 0 else v


class TechniqueModel:
    """Fitted from the framework and the curators' mappings; `suggest` reads one report text."""

    def __init__(self, framework: dict[str, Technique], incidents: list[MappedIncident], weights: Weights | None = None):
        self.weights = weights or Weights()
        self.framework = framework
        counts = Counter(t for inc in incidents for t in inc.techniques)
        self.ids = sorted(counts)
        self.prior = np.array([counts[t] for t in self.ids], dtype=float)
        profiles: dict[str, list[str]] = {t: [framework[t].name, framework[t].name, framework[t].summary] for t in self.ids}
        clauses: dict[tuple[str, tuple[str, ...]], None] = {}
        for t in self.ids:
            for c, ids in labelled_clauses(framework[t].summary, framework):
                clauses[(c, tuple(ids))] = None
        for inc in incidents:
            for t in inc.techniques:
                profiles[t] += inc.passages
                for note in dict.fromkeys(inc.explanations.get(t, [])):
                    profiles[t].append(scrub(note, framework))
                    for c, ids in labelled_clauses(note, framework):
                        clauses[(c, tuple(ids))] = None
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, analyzer=analyse)
        self.vectorizer.fit([" ".join(p) for p in profiles.values()])
        self.profiles = normalize(self.vectorizer.transform([" ".join(profiles[t]) for t in self.ids]))
        bank = [(c, [i for i in ids if i in counts]) for c, ids in clauses]
        bank = [(c, ids) for c, ids in bank if ids]
        self.clauses = normalize(self.vectorizer.transform([c for c, _ in bank])) if bank else None
        self.clause_ids = [[self.ids.index(i) for i in ids] for _, ids in bank]

    def _read(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(sentences, score per technique, support per sentence x technique)."""
        sents = quoted_sentences(text) or ([text.strip()] if text.strip() else [])
        if not sents or not self.ids:
            return [], np.zeros(len(self.ids)), np.zeros((0, len(self.ids)))
        doc = normalize(self.vectorizer.transform([text]))
        sent_m = normalize(self.vectorizer.transform(sents))
        profile = (self.profiles @ doc.T).toarray().ravel()
        sent_profile = (sent_m @ self.profiles.T).toarray()  # sentences x techniques
        support = sent_profile.copy()
        clause = np.zeros(len(self.ids))
        if self.clauses is not None:
            sent_clause = (sent_m @ self.clauses.T).toarray()  # sentences x clauses
            for j, tids in enumerate(self.clause_ids):
                for t in tids:
                    clause[t] = max(clause[t], sent_clause[:, j].max())
                    support[:, t] = np.maximum(support[:, t], sent_clause[:, j])
        w = self.weights
        score = w.profile * _scaled(profile) + w.clause * _scaled(clause) + w.sentence * _scaled(sent_profile.max(axis=0)) + w.prior * _scaled(self.prior)
        return sents, score, support

    @staticmethod
    def _supporting(sents: list[str], column: np.ndarray, n: int) -> list[str]:
        best = column.max() if column.size else 0.0
        # sentences close to the best one for this technique; a stray shared word is no support
        order = [i for i in np.argsort(-column, kind="stable") if column[i] > 0 and column[i] >= 0.5 * best][:n]
        return [sents[i] for i in sorted(order)]

    def suggest(self, text: str, top: int = 5, per_technique: int = 2) -> list[Suggestion]:
        """The `top` techniques for a report text, each with its supporting sentences."""
        sents, score, support = self._read(text)
        out: list[Suggestion] = []
        for t in np.argsort(-score, kind="stable") if sents else []:
            quotes = self._supporting(sents, support[:, t], per_technique)
            if not quotes:
                continue  # never suggest a technique without a sentence that supports it
            tech = self.framework[self.ids[t]]
            out.append(Suggestion(tech.id, tech.name, tech.tactic, round(float(score[t]), 4), quotes))
            if len(out) == top:
                break
        return out

    def support(self, text: str, technique_id: str, n: int = 2) -> list[str]:
        """Report sentences supporting a technique a curator chose (none if it was never mapped)."""
        if technique_id not in self.ids:
            return []
        sents, _, support = self._read(text)
        return self._supporting(sents, support[:, self.ids.index(technique_id)], n) if sents else []
