"""A light, offline technique suggester: TF-IDF similarities to what the framework and curators wrote.

Seven signals per technique, each scaled to [0, 1] by its best technique and added with
equal weights (a design fixed before measuring, not tuned on the mappings; see README):
- `framework_doc` / `framework_sentence`: the whole report, and its best sentence, against the
  technique's name and summary in DISARM's framework (framework text is not a label: every
  technique, mapped or not, is a candidate);
- `evidence`: the best report sentence against any quoted passage curators mapped to it;
- `explanation`: the best report sentence against curators' explanations naming it;
- `neighbours`: report similarity to each mapped incident, summed over incidents using it;
- `profile`: the report against the centroid of the technique's framework text and its incidents;
- `prior`: how often curators used the technique.
A technique is suggested only with report sentences that support it (positive similarity to
its framework text, evidence or explanations), quoted exactly. Vocabulary and IDF are fitted on
the training incidents and the framework only, so an evaluation fold never sees its test text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from .framework import Technique
from .mappings import MappedIncident, scrub
from .quotes import quoted_sentences
from .suggestion import Suggestion

MODEL_VERSION = "3"


@dataclass(frozen=True)
class Weights:
    """Each signal's weight; all equal by design (see the module docstring)."""

    framework_doc: float = 1.0
    framework_sentence: float = 1.0
    evidence: float = 1.0
    explanation: float = 1.0
    neighbours: float = 1.0
    profile: float = 1.0
    prior: float = 1.0


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
        self.ids = sorted(framework)
        index = {t: i for i, t in enumerate(self.ids)}
        labels = np.zeros((len(incidents), len(self.ids)))
        for row, inc in enumerate(incidents):
            labels[row, [index[t] for t in inc.techniques]] = 1
        self.labels = labels
        self.prior = labels.sum(axis=0)
        framework_text = [f"{framework[t].name}. {framework[t].name}. {framework[t].summary}" for t in self.ids]
        docs = ["\n\n".join(inc.passages) for inc in incidents]
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, analyzer=analyse)
        self.vectorizer.fit(docs + framework_text)
        self.framework_m = self._vectors(framework_text)
        self.docs = self._vectors(docs)
        evidence = [(p, ids) for inc in incidents for p, ids in inc.evidence]
        self.evidence = self._vectors([p for p, _ in evidence])
        self.evidence_labels = np.zeros((len(evidence), len(self.ids)))
        for row, (_, ids) in enumerate(evidence):
            self.evidence_labels[row, [index[t] for t in ids]] = 1
        notes = [(index[t], scrub(note, framework)) for inc in incidents for t, ns in inc.explanations.items() for note in dict.fromkeys(ns)]
        self.notes = self._vectors([n for _, n in notes])
        self.note_labels = np.zeros((len(notes), len(self.ids)))
        for row, (t, _) in enumerate(notes):
            self.note_labels[row, t] = 1
        self.profiles = normalize(np.asarray(labels.T @ self.docs.toarray()) + self.framework_m.toarray())

    def _vectors(self, texts: list[str]):
        return normalize(self.vectorizer.transform(texts)) if texts else None

    @staticmethod
    def _pooled(sims: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """sentences x techniques: each sentence's best similarity to a text labelled with the technique."""
        if sims.size == 0:
            return np.zeros((sims.shape[0], labels.shape[1]))
        return (sims[:, :, None] * labels[None, :, :]).max(axis=1)

    def _read(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(sentences, score per technique, support per sentence x technique)."""
        sents = quoted_sentences(text) or ([text.strip()] if text.strip() else [])
        if not sents:
            return [], np.zeros(len(self.ids)), np.zeros((0, len(self.ids)))
        doc = normalize(self.vectorizer.transform([text]))
        sent_m = normalize(self.vectorizer.transform(sents))
        framework_sent = (sent_m @ self.framework_m.T).toarray()
        zeros = np.zeros((len(sents), len(self.ids)))
        evidence = self._pooled((sent_m @ self.evidence.T).toarray(), self.evidence_labels) if self.evidence is not None else zeros
        notes = self._pooled((sent_m @ self.notes.T).toarray(), self.note_labels) if self.notes is not None else zeros
        signals = {
            "framework_doc": (doc @ self.framework_m.T).toarray().ravel(),
            "framework_sentence": framework_sent.max(axis=0),
            "evidence": evidence.max(axis=0),
            "explanation": notes.max(axis=0),
            "neighbours": (doc @ self.docs.T).toarray().ravel() @ self.labels,
            "profile": self.profiles @ doc.toarray().ravel(),
            "prior": self.prior,
        }
        w = asdict(self.weights)
        score = sum(w[name] * _scaled(v) for name, v in signals.items())
        return sents, np.asarray(score), np.maximum(np.maximum(framework_sent, evidence), notes)

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
