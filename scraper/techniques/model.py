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
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from .framework import Technique
from .lexicon import Lexicon
from .mappings import MappedIncident, scrub
from .quotes import quoted_sentences
from .suggestion import Suggestion

MODEL_VERSION = "7"


SIGNALS = (
    "framework_doc",
    "framework_sentence",
    "evidence",
    "explanation",
    "neighbours",
    "profile",
    "prior",
    "framework_top2",
    "evidence_top2",
    "ridge",
    "ridge_sharp",
    "tactic_ridge",
    "passage_votes",
    "framework_sum",
    "evidence_sentence",
    "passage_ridge",
    "name_sentence",
    "name_doc",
    "name_cover",
    "examples",
    "proper_nouns",
)
# the combiner's (C, class weight) candidates, chosen per fit by grouped cross-validation
SETTINGS: tuple[tuple[float, str | None], ...] = tuple((c, cw) for c in (0.01, 0.1, 1.0) for cw in (None, "balanced"))


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
    framework_top2: float = 1.0
    evidence_top2: float = 1.0
    ridge: float = 1.0
    ridge_sharp: float = 1.0
    tactic_ridge: float = 1.0
    passage_votes: float = 1.0
    framework_sum: float = 1.0
    evidence_sentence: float = 1.0
    passage_ridge: float = 1.0
    name_sentence: float = 1.0
    name_doc: float = 1.0
    name_cover: float = 1.0
    examples: float = 1.0
    proper_nouns: float = 1.0
    intercept: float = 0.0

    def score(self, signals: np.ndarray) -> np.ndarray:
        """Scores per technique for SIGNALS x techniques."""
        return 1.0 / (1.0 + np.exp(-(self.vector() @ signals + self.intercept)))

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in SIGNALS])


def fit_weights(
    signals: np.ndarray, supported: np.ndarray, gold: np.ndarray, c: float = 1.0, class_weight: str | None = None
) -> Weights:
    """Logistic regression of "a curator mapped it" on the signals, over the (incident,
    technique) pairs a suggestion could name (those with a supporting sentence).

    signals: incidents x SIGNALS x techniques, each incident's signals computed without it;
    supported, gold: incidents x techniques. Learns how much each signal is worth, where a grid
    of weights could only pick among a few levels."""
    x = signals.transpose(0, 2, 1)[supported]
    y = gold[supported].astype(bool)
    if y.all() or not y.any():
        return Weights()
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=2000).fit(x, y)
    return Weights(
        **{name: float(w) for name, w in zip(SIGNALS, clf.coef_[0], strict=True)}, intercept=float(clf.intercept_[0])
    )


def choose_setting(
    signals: np.ndarray, supported: np.ndarray, gold: np.ndarray, folds: int = 5, k: int = 5
) -> tuple[float, str | None]:
    """The (C, class weight) of SETTINGS with the best recall@k over `folds` groups of incidents,
    each group scored by weights fitted on the others (the first setting wins ties).

    With 21 correlated signals the regression's regularisation matters; it is chosen here, on
    the training incidents' held-out signals only, never on an evaluation's test incident."""
    groups = np.arange(signals.shape[0]) % folds
    best, best_recall = SETTINGS[0], -1.0
    for c, cw in SETTINGS:
        recalls = []
        for g in range(min(folds, signals.shape[0])):
            train, test = groups != g, groups == g
            w = fit_weights(signals[train], supported[train], gold[train], c, cw)
            recalls.append(recall_at_k(w.vector()[None], signals[test], supported[test], gold[test], k)[0] * test.sum())
        recall = sum(recalls) / signals.shape[0]
        if recall > best_recall:
            best, best_recall = (c, cw), recall
    return best


def recall_at_k(
    weights: np.ndarray, signals: np.ndarray, supported: np.ndarray, gold: np.ndarray, k: int
) -> np.ndarray:
    """Mean recall@k of each weighting (rows of `weights`) over held-out incidents.

    signals: incidents x SIGNALS x techniques; supported, gold: incidents x techniques."""
    scores = np.einsum("cs,jst->cjt", weights.astype(np.float32), signals.astype(np.float32))
    scores = np.where(supported[None], scores, -np.inf)
    top = np.argpartition(-scores, min(k, scores.shape[-1] - 1), axis=-1)[..., :k]
    hits = np.take_along_axis(np.broadcast_to(gold[None], scores.shape), top, axis=-1).sum(axis=-1)
    return (hits / np.maximum(gold.sum(axis=-1), 1)[None]).mean(axis=1)


_WORD = re.compile(r"[a-z][a-z0-9]+")


_local = threading.local()


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Snowball's English stem of a word, cached: the pure-Python stemmer is 20 times slower than
    the rest of the analyser, and a report repeats its words. One stemmer per thread, because a
    stemmer object keeps state while it works."""
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer.stemWord(word)


def analyse(text: str) -> list[str]:
    """Lower-cased words without English stop words, stemmed by Snowball's English stemmer (so
    "impersonation" meets "impersonate", "coordination" meets "coordinated": framework text is
    in verbs, reports in nouns), plus word pairs."""
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


def _top2(m: np.ndarray) -> np.ndarray:
    """Per column, the mean of its two largest values (its largest with one row)."""
    return m.max(axis=0) if m.shape[0] < 2 else np.sort(m, axis=0)[-2:].mean(axis=0)


def ridge_scores(gram: np.ndarray, sims: np.ndarray, labels: np.ndarray, lam: float) -> np.ndarray:
    """Kernel ridge regression of `labels` (texts x outputs) on cosine similarity: a linear
    one-vs-rest classifier on the TF-IDF vectors, solved once for every output through the
    texts' Gram matrix. sims: the new text's similarity to each training text."""
    if not len(sims):
        return np.zeros(labels.shape[1])
    return sims @ np.linalg.solve(gram + lam * np.eye(len(sims)), labels)


def nearest_votes(sims: np.ndarray, labels: np.ndarray, n: int = 3) -> np.ndarray:
    """Each sentence's `n` most similar passages vote for their techniques with that similarity.
    sims: sentences x passages (unusable passages at 0); labels: passages x techniques."""
    if not sims.size:
        return np.zeros(labels.shape[1])
    n = min(n, sims.shape[1])
    keep = np.zeros_like(sims)
    top = np.argpartition(-sims, n - 1, axis=1)[:, :n]
    np.put_along_axis(keep, top, np.take_along_axis(sims, top, axis=1), axis=1)
    return keep.sum(axis=0) @ labels


class TechniqueModel:
    """Fitted from the framework and the curators' mappings; `suggest` reads one report text.

    Without explicit `weights`, they are learned (`fit_weights`, regularisation by
    `choose_setting`) from each of `incidents` held out in turn, so an evaluation that fits a
    model per fold is a nested cross-validation: the test incident never helps learn its weights.
    """

    def __init__(
        self, framework: dict[str, Technique], incidents: list[MappedIncident], weights: Weights | None = None
    ):
        self.framework = framework
        self.ids = sorted(framework)
        index = {t: i for i, t in enumerate(self.ids)}
        self.labels = np.zeros((len(incidents), len(self.ids)))
        for row, inc in enumerate(incidents):
            self.labels[row, [index[t] for t in inc.techniques]] = 1
        tactics = sorted({framework[t].tactic_id for t in self.ids})
        self.tactic_of = np.array([tactics.index(framework[t].tactic_id) for t in self.ids], dtype=int)
        self.tactic_labels = np.zeros((len(incidents), len(tactics)))
        for row in range(len(incidents)):
            self.tactic_labels[row, self.tactic_of[self.labels[row] > 0]] = 1
        framework_text = [f"{framework[t].name}. {framework[t].name}. {framework[t].summary}" for t in self.ids]
        self.doc_texts = ["\n\n".join(inc.passages) for inc in incidents]
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, analyzer=analyse)
        self.vectorizer.fit(self.doc_texts + framework_text)
        self.framework_m = self._vectors(framework_text)
        self.framework_norm2 = np.asarray(self.framework_m.multiply(self.framework_m).sum(axis=1)).ravel()
        self.name_m = self._vectors([framework[t].name for t in self.ids])
        self.name_cover_m = self._name_cover_matrix()
        self.lexicon = Lexicon.of(framework, self.ids)
        self.docs = self._vectors(self.doc_texts)
        self.gram = (self.docs @ self.docs.T).toarray()  # incidents x incidents
        self.doc_framework = (self.docs @ self.framework_m.T).toarray()  # incidents x techniques
        evidence = [(row, p, ids) for row, inc in enumerate(incidents) for p, ids in inc.evidence]
        self.evidence = self._vectors([p for _, p, _ in evidence])
        self.evidence_owner = np.array([row for row, _, _ in evidence], dtype=int)
        self.evidence_pairs = _by_technique([(k, index[t]) for k, (_, _, ids) in enumerate(evidence) for t in ids])
        self.evidence_labels = np.zeros((len(evidence), len(self.ids)))
        for k, (_, _, ids) in enumerate(evidence):
            self.evidence_labels[k, [index[t] for t in ids]] = 1
        self.evidence_gram = (self.evidence @ self.evidence.T).toarray()
        # the passages split into sentences, each carrying its passage's techniques
        pieces = [(row, s, ids) for row, p, ids in evidence for s in quoted_sentences(p) or [p]]
        self.pieces = self._vectors([s for _, s, _ in pieces])
        self.piece_owner = np.array([row for row, _, _ in pieces], dtype=int)
        self.piece_labels = np.zeros((len(pieces), len(self.ids)))
        for k, (_, _, ids) in enumerate(pieces):
            self.piece_labels[k, [index[t] for t in ids]] = 1
        notes = [
            (row, index[t], scrub(note, framework))
            for row, inc in enumerate(incidents)
            for t, ns in inc.explanations.items()
            for note in dict.fromkeys(ns)
        ]
        self.notes = self._vectors([n for _, _, n in notes])
        self.note_owner = np.array([row for row, _, _ in notes], dtype=int)
        self.note_pairs = _by_technique([(k, t) for k, (_, t, _) in enumerate(notes)])
        self.setting: tuple[float, str | None] | None = None  # the regularisation learn_weights chose
        self.weights = weights or self.learn_weights()

    def _vectors(self, texts: list[str]):
        return normalize(self.vectorizer.transform(texts if texts else [""]))

    def _name_cover_matrix(self) -> np.ndarray:
        """techniques x vocabulary: each name's stemmed words, weighted by IDF to sum to 1."""
        vocab, idf = self.vectorizer.vocabulary_, self.vectorizer.idf_
        out = np.zeros((len(self.ids), len(idf)))
        for t, tid in enumerate(self.ids):
            words = [w for w in analyse(self.framework[tid].name) if " " not in w and w in vocab]
            for w in words:
                out[t, vocab[w]] = idf[vocab[w]]
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.zeros_like(out), where=total > 0)

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

    def _signals(
        self, text: str, sents: list[str], doc, doc_sims: np.ndarray, train: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(SIGNALS x techniques, each scaled to [0, 1]; support per sentence x technique) of a
        text (`doc` its vector, `doc_sims` its similarity to each incident), learning only from
        the incidents `train` (a boolean mask) marks."""
        sent_m = normalize(self.vectorizer.transform(sents))
        doc_framework = (doc @ self.framework_m.T).toarray().ravel()
        framework_sent = (sent_m @ self.framework_m.T).toarray()
        evidence_sims = (sent_m @ self.evidence.T).toarray()
        kept = train[self.evidence_owner]
        evidence = self._pooled(evidence_sims, self.evidence_pairs, kept)
        notes = self._pooled((sent_m @ self.notes.T).toarray(), self.note_pairs, train[self.note_owner])
        labels = self.labels * train[:, None]
        sims = doc_sims * train
        # centroid of the technique's framework vector and its incidents' vectors, via the Gram matrix
        norm2 = (
            np.einsum("it,ij,jt->t", labels, self.gram, labels)
            + 2 * (labels * self.doc_framework).sum(axis=0)
            + self.framework_norm2
        )
        profile = np.divide(sims @ labels + doc_framework, np.sqrt(norm2), out=np.zeros(len(self.ids)), where=norm2 > 0)
        rows = np.flatnonzero(train)
        gram = self.gram[np.ix_(rows, rows)]
        tactic = ridge_scores(gram, doc_sims[rows], self.tactic_labels[rows], 1.0)
        passages = np.flatnonzero(kept)
        passage_sims = (doc @ self.evidence.T).toarray().ravel()[passages]
        piece_sims = (sent_m @ self.pieces.T).toarray().max(axis=0) * train[self.piece_owner]
        words = set(analyse(text))
        present = self._present(words)
        examples, nouns = self.lexicon.signals(text)
        signals = np.stack(
            [
                doc_framework,
                framework_sent.max(axis=0),
                evidence.max(axis=0),
                notes.max(axis=0),
                sims @ labels,
                profile,
                labels.sum(axis=0),
                _top2(framework_sent),
                _top2(evidence),
                ridge_scores(gram, doc_sims[rows], self.labels[rows], 1.0),
                ridge_scores(gram, doc_sims[rows], self.labels[rows], 0.3),
                tactic[self.tactic_of],
                nearest_votes(evidence_sims * kept, self.evidence_labels),
                np.clip(framework_sent, 0, None).sum(axis=0),
                (piece_sims[:, None] * self.piece_labels).max(axis=0),
                ridge_scores(
                    self.evidence_gram[np.ix_(passages, passages)], passage_sims, self.evidence_labels[passages], 1.0
                ),
                (sent_m @ self.name_m.T).toarray().max(axis=0),
                (doc @ self.name_m.T).toarray().ravel(),
                self.name_cover_m @ present,
                examples,
                nouns,
            ]
        )
        return _scaled(np.clip(signals, 0, None)), np.maximum(np.maximum(framework_sent, evidence), notes)

    def _present(self, words: set[str]) -> np.ndarray:
        """A 0/1 vector over the vocabulary: which of its terms the text has."""
        vocab = self.vectorizer.vocabulary_
        out = np.zeros(len(vocab))
        out[[vocab[w] for w in words if w in vocab]] = 1
        return out

    def held_out_signals(self) -> tuple[np.ndarray, np.ndarray]:
        """(incidents x SIGNALS x techniques, incidents x techniques supported): each training
        incident's signals and support from a model of the other training incidents."""
        signals, supported = [], []
        for j, text in enumerate(self.doc_texts):
            sents = quoted_sentences(text) or [text]
            train = np.arange(len(self.doc_texts)) != j
            sig, support = self._signals(text, sents, self.docs[j], self.gram[j], train)
            signals.append(sig)
            supported.append(support.max(axis=0) > 0)
        return np.stack(signals), np.stack(supported)

    def learn_weights(self) -> Weights:
        """Weights fitted on the held-out signals of the training incidents, with the
        regularisation `choose_setting` picks on them (equal weights with fewer than 2)."""
        if len(self.doc_texts) < 2:
            return Weights()
        signals, supported = self.held_out_signals()
        gold = self.labels > 0
        self.setting = choose_setting(signals, supported, gold)
        return fit_weights(signals, supported, gold, *self.setting)

    def _read(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(sentences, score per technique, support per sentence x technique)."""
        sents = quoted_sentences(text) or ([text.strip()] if text.strip() else [])
        if not sents:
            return [], np.zeros(len(self.ids)), np.zeros((0, len(self.ids)))
        doc = normalize(self.vectorizer.transform([text]))
        doc_sims = (doc @ self.docs.T).toarray().ravel()
        signals, support = self._signals(text, sents, doc, doc_sims, np.ones(len(self.doc_texts), dtype=bool))
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
