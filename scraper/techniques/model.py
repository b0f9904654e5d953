"""A light, offline technique suggester: TF-IDF similarities to what the framework and curators wrote.

Seven signals per technique, each scaled to [0, 1] by its best technique and combined linearly
with weights learned by logistic regression (`fit_weights`) on the signals each training
incident gets when it is itself held out (leave-one-incident-out inside the training set):
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
from dataclasses import dataclass
from itertools import pairwise, product

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from .framework import Technique
from .mappings import MappedIncident, scrub
from .quotes import quoted_sentences
from .suggestion import Suggestion

MODEL_VERSION = "5"


SIGNALS = ("framework_doc", "framework_sentence", "evidence", "explanation", "neighbours", "profile", "prior")
LEVELS = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class Weights:
    """Each signal's weight (the order of SIGNALS) and an intercept; `fit_weights` learns them.

    A technique's score is the logistic of the weighted sum: an estimate of the chance that a
    curator maps it, positive, and ranked exactly as the weighted sum."""

    framework_doc: float = 1.0
    framework_sentence: float = 1.0
    evidence: float = 1.0
    explanation: float = 1.0
    neighbours: float = 1.0
    profile: float = 1.0
    prior: float = 1.0
    intercept: float = 0.0

    def score(self, signals: np.ndarray) -> np.ndarray:
        """Scores per technique for SIGNALS x techniques."""
        return 1.0 / (1.0 + np.exp(-(self.vector() @ signals + self.intercept)))

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in SIGNALS])


def weight_grid() -> np.ndarray:
    """Every weighting with levels 0, 0.5, 1 (not all zero); equal weights first, so they win ties."""
    equal = (1.0,) * len(SIGNALS)
    return np.array([equal, *(w for w in product(LEVELS, repeat=len(SIGNALS)) if any(w) and w != equal)])


def fit_weights(signals: np.ndarray, supported: np.ndarray, gold: np.ndarray, c: float = 1.0) -> Weights:
    """Logistic regression of "a curator mapped it" on the signals, over the (incident,
    technique) pairs a suggestion could name (those with a supporting sentence).

    signals: incidents x SIGNALS x techniques, each incident's signals computed without it;
    supported, gold: incidents x techniques. Learns how much each signal is worth, where a grid
    of weights could only pick among a few levels."""
    x = signals.transpose(0, 2, 1)[supported]
    y = gold[supported].astype(bool)
    if y.all() or not y.any():
        return Weights()
    clf = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    return Weights(**{name: float(w) for name, w in zip(SIGNALS, clf.coef_[0], strict=True)}, intercept=float(clf.intercept_[0]))


def recall_at_k(weights: np.ndarray, signals: np.ndarray, supported: np.ndarray, gold: np.ndarray, k: int) -> np.ndarray:
    """Mean recall@k of each weighting (rows of `weights`) over held-out incidents.

    signals: incidents x SIGNALS x techniques; supported, gold: incidents x techniques."""
    scores = np.einsum("cs,jst->cjt", weights.astype(np.float32), signals.astype(np.float32))
    scores = np.where(supported[None], scores, -np.inf)
    top = np.argpartition(-scores, min(k, scores.shape[-1] - 1), axis=-1)[..., :k]
    hits = np.take_along_axis(np.broadcast_to(gold[None], scores.shape), top, axis=-1).sum(axis=-1)
    return (hits / np.maximum(gold.sum(axis=-1), 1)[None]).mean(axis=1)


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
    """Each row divided by its largest value (rows without a positive value unchanged)."""
    top = v.max(axis=-1, keepdims=True) if v.size else np.ones(v.shape[:-1] + (1,))
    return v / np.where(top > 0, top, 1.0)


def _by_technique(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(text rows, techniques) as two int arrays sorted by technique, for `_pooled`."""
    ordered = sorted(set(pairs), key=lambda p: (p[1], p[0]))
    return np.array([k for k, _ in ordered], dtype=int), np.array([t for _, t in ordered], dtype=int)


class TechniqueModel:
    """Fitted from the framework and the curators' mappings; `suggest` reads one report text.

    Without explicit `weights`, they are learned (`fit_weights`) from each of `incidents` held
    out in turn, so an evaluation that fits a model per fold is a nested cross-validation: the
    test incident never helps learn its weights.
    """

    def __init__(self, framework: dict[str, Technique], incidents: list[MappedIncident], weights: Weights | None = None):
        self.framework = framework
        self.ids = sorted(framework)
        index = {t: i for i, t in enumerate(self.ids)}
        self.labels = np.zeros((len(incidents), len(self.ids)))
        for row, inc in enumerate(incidents):
            self.labels[row, [index[t] for t in inc.techniques]] = 1
        framework_text = [f"{framework[t].name}. {framework[t].name}. {framework[t].summary}" for t in self.ids]
        self.doc_texts = ["\n\n".join(inc.passages) for inc in incidents]
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, analyzer=analyse)
        self.vectorizer.fit(self.doc_texts + framework_text)
        self.framework_m = self._vectors(framework_text)
        self.framework_norm2 = np.asarray(self.framework_m.multiply(self.framework_m).sum(axis=1)).ravel()
        self.docs = self._vectors(self.doc_texts)
        self.gram = (self.docs @ self.docs.T).toarray()  # incidents x incidents
        self.doc_framework = (self.docs @ self.framework_m.T).toarray()  # incidents x techniques
        evidence = [(row, p, ids) for row, inc in enumerate(incidents) for p, ids in inc.evidence]
        self.evidence = self._vectors([p for _, p, _ in evidence])
        self.evidence_owner = np.array([row for row, _, _ in evidence], dtype=int)
        self.evidence_pairs = _by_technique([(k, index[t]) for k, (_, _, ids) in enumerate(evidence) for t in ids])
        notes = [(row, index[t], scrub(note, framework)) for row, inc in enumerate(incidents) for t, ns in inc.explanations.items() for note in dict.fromkeys(ns)]
        self.notes = self._vectors([n for _, _, n in notes])
        self.note_owner = np.array([row for row, _, _ in notes], dtype=int)
        self.note_pairs = _by_technique([(k, t) for k, (_, t, _) in enumerate(notes)])
        self.weights = weights or self.learn_weights()

    def _vectors(self, texts: list[str]):
        return normalize(self.vectorizer.transform(texts if texts else [""]))

    def _pooled(self, sims: np.ndarray, pairs: tuple[np.ndarray, np.ndarray], keep: np.ndarray) -> np.ndarray:
        """sentences x techniques: each sentence's best similarity to a kept text labelled with the
        technique. `pairs` = (text row, technique) sorted by technique; `keep` marks usable rows."""
        rows, techs = pairs
        out = np.zeros((sims.shape[0], len(self.ids)))
        sel = keep[rows] if len(rows) else np.zeros(0, dtype=bool)
        rows, techs = rows[sel], techs[sel]
        if len(rows):
            starts = np.flatnonzero(np.r_[True, techs[1:] != techs[:-1]])
            out[:, techs[starts]] = np.maximum.reduceat(sims[:, rows], starts, axis=1)
        return out

    def _signals(self, sent_m, doc_framework: np.ndarray, doc_sims: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(SIGNALS x techniques, each scaled to [0, 1]; support per sentence x technique), learning
        only from the incidents `train` (a boolean mask) marks."""
        framework_sent = (sent_m @ self.framework_m.T).toarray()
        evidence = self._pooled((sent_m @ self.evidence.T).toarray(), self.evidence_pairs, train[self.evidence_owner])
        notes = self._pooled((sent_m @ self.notes.T).toarray(), self.note_pairs, train[self.note_owner])
        labels = self.labels * train[:, None]
        sims = doc_sims * train
        # centroid of the technique's framework vector and its incidents' vectors, via the Gram matrix
        norm2 = np.einsum("it,ij,jt->t", labels, self.gram, labels) + 2 * (labels * self.doc_framework).sum(axis=0) + self.framework_norm2
        profile = np.divide(sims @ labels + doc_framework, np.sqrt(norm2), out=np.zeros(len(self.ids)), where=norm2 > 0)
        signals = np.stack([doc_framework, framework_sent.max(axis=0), evidence.max(axis=0), notes.max(axis=0), sims @ labels, profile, labels.sum(axis=0)])
        return _scaled(signals), np.maximum(np.maximum(framework_sent, evidence), notes)

    def held_out_signals(self) -> tuple[np.ndarray, np.ndarray]:
        """(incidents x SIGNALS x techniques, incidents x techniques supported): each training
        incident's signals and support from a model of the other training incidents."""
        signals, supported = [], []
        for j, text in enumerate(self.doc_texts):
            sents = quoted_sentences(text) or [text]
            train = np.arange(len(self.doc_texts)) != j
            sig, support = self._signals(normalize(self.vectorizer.transform(sents)), self.doc_framework[j], self.gram[j], train)
            signals.append(sig)
            supported.append(support.max(axis=0) > 0)
        return np.stack(signals), np.stack(supported)

    def learn_weights(self) -> Weights:
        """Weights fitted on the held-out signals of the training incidents (equal with fewer than 2)."""
        if len(self.doc_texts) < 2:
            return Weights()
        signals, supported = self.held_out_signals()
        return fit_weights(signals, supported, self.labels > 0)

    def choose_weights(self, k: int = 5) -> Weights:
        """The grid weighting with the best held-out recall@k (the previous model's choice;
        kept to measure it against `learn_weights`)."""
        if len(self.doc_texts) < 2:
            return Weights()
        signals, supported = self.held_out_signals()
        grid = weight_grid()
        recall = recall_at_k(grid, signals, supported, self.labels, k)
        return Weights(*(float(x) for x in grid[int(np.argmax(recall))]))

    def _read(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(sentences, score per technique, support per sentence x technique)."""
        sents = quoted_sentences(text) or ([text.strip()] if text.strip() else [])
        if not sents:
            return [], np.zeros(len(self.ids)), np.zeros((0, len(self.ids)))
        doc = normalize(self.vectorizer.transform([text]))
        doc_framework = (doc @ self.framework_m.T).toarray().ravel()
        doc_sims = (doc @ self.docs.T).toarray().ravel()
        signals, support = self._signals(normalize(self.vectorizer.transform(sents)), doc_framework, doc_sims, np.ones(len(self.doc_texts), dtype=bool))
        return sents, self.weights.score(signals), support

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
