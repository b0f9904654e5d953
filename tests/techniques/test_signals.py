"""The suggester's newer parts on tiny hand-written data: ridge, nearest-passage votes, the
framework lexicon, the analyser's stemming, regularisation chosen by grouped cross-validation."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from scraper.techniques.framework import Technique
from scraper.techniques.lexicon import Lexicon, example_terms, proper_nouns
from scraper.techniques.model import (
    SETTINGS,
    SIGNALS,
    _stem,
    _top2,
    analyse,
    choose_setting,
    fit_weights,
    nearest_votes,
    ridge_scores,
)


def test_ridge_scores_follow_the_most_similar_training_texts():
    # three training texts: 0 and 1 alike (label A), 2 different (label B)
    gram = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.1], [0.0, 0.1, 1.0]])
    labels = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    like_first = ridge_scores(gram, np.array([0.9, 0.7, 0.0]), labels, 1.0)
    like_last = ridge_scores(gram, np.array([0.0, 0.1, 0.9]), labels, 1.0)
    assert like_first[0] > like_first[1] and like_last[1] > like_last[0]
    # a sharper ridge (smaller lambda) trusts the training texts more
    assert ridge_scores(gram, np.array([0.0, 0.1, 0.9]), labels, 0.1)[1] > like_last[1]
    assert ridge_scores(np.zeros((0, 0)), np.zeros(0), np.zeros((0, 2)), 1.0).tolist() == [0.0, 0.0]


def test_each_sentence_votes_with_its_nearest_passages_only():
    sims = np.array([[0.9, 0.5, 0.1], [0.0, 0.2, 0.7]])  # two sentences x three passages
    labels = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # passages x techniques
    votes = nearest_votes(sims, labels, n=1)  # sentence 0 -> passage 0, sentence 1 -> passage 2
    assert np.allclose(votes, [0.9 + 0.7, 0.7])
    assert np.allclose(nearest_votes(sims, labels, n=3), sims.sum(axis=0) @ labels)
    assert nearest_votes(np.zeros((0, 3)), labels).tolist() == [0.0, 0.0]


def test_top2_is_the_mean_of_the_two_best_rows():
    m = np.array([[0.1, 0.9], [0.5, 0.3], [0.3, 0.1]])
    assert np.allclose(_top2(m), [0.4, 0.6])
    assert np.allclose(_top2(m[:1]), [0.1, 0.9])


CHAT = Technique(
    "T9001",
    "Chatting Place",
    "TA1",
    "Tactic",
    "Examples of chatting places include Parlour, Tattle and Gossipy (formerly Natter).<br><br>People meet in them. "
    "Some run on Quillnet servers (T9002: Drawing Place).",
)
DRAW = Technique(
    "T9002", "Drawing Place", "TA1", "Tactic", "A place for drawings, such as Sketchly or Quillnet boards."
)


def test_framework_examples_and_proper_nouns_are_read_from_the_summary():
    assert example_terms(CHAT.summary) == {"Parlour", "Tattle", "Gossipy"}
    jargon = {"chatting", "place", "drawing"}
    assert proper_nouns(CHAT.summary, jargon) == {"Parlour", "Tattle", "Gossipy", "Natter", "Quillnet"}
    # another technique's label in brackets and the clause's first word are not names
    assert "Drawing" not in proper_nouns(CHAT.summary, set()) and "People" not in proper_nouns(CHAT.summary, jargon)


def test_lexicon_finds_the_framework_terms_in_a_report():
    lex = Lexicon.of({"T9001": CHAT, "T9002": DRAW}, ["T9001", "T9002"])
    examples, nouns = lex.signals("The group moved to Tattle and Gossipy, then shared drawings on Quillnet.")
    assert examples.tolist() == [2.0, 0.0]
    # Quillnet is named by both techniques, so it counts half for each; Tattle and Gossipy fully for T9001
    assert nouns.tolist() == [2.5, 0.5]
    assert [v.tolist() for v in lex.signals("tattle and quillnet in lower case are ordinary words")] == [
        [0.0, 0.0],
        [0.0, 0.0],
    ]


def test_regularisation_is_chosen_by_recall_on_held_out_groups():
    rng = np.random.default_rng(7)
    incidents, techniques = 20, 30
    gold = np.zeros((incidents, techniques), dtype=bool)
    gold[np.arange(incidents), rng.integers(0, techniques, incidents)] = True
    signals = rng.random((incidents, len(SIGNALS), techniques)) * 0.5
    signals[:, 0] += gold  # signal 0 marks the gold; the rest is noise
    supported = np.ones_like(gold)
    setting = choose_setting(signals, supported, gold)
    assert setting in SETTINGS
    w = fit_weights(signals, supported, gold, *setting)
    assert w.framework_doc == max(w.vector())  # the informative signal weighs most
    # pure noise: every setting recalls alike by chance or not, and the choice stays one of SETTINGS
    assert choose_setting(rng.random(signals.shape), supported, gold) in SETTINGS


def test_nouns_meet_their_verbs_and_stop_words_are_dropped():
    """Framework summaries say "impersonate", reports say "impersonation": one stem for both."""
    report = analyse("The impersonation of journalists and the coordination of fabrication.")
    framework = analyse("They impersonated journalists, coordinated posts and fabricated stories.")
    assert {"imperson", "coordin", "fabric", "journalist"} <= set(report) & set(framework)
    assert "the" not in report and "of" not in report
    assert "imperson journalist" in report  # word pairs of the stemmed words


def test_threads_stem_alike(framework):
    """The review desk suggests from worker threads: a Snowball stemmer keeps state while it
    stems, so each thread has its own, and concurrent analyses equal sequential ones."""
    texts = [f"{t.name}. {t.summary}" for t in framework.values()]
    _stem.cache_clear()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, mid-word
    try:
        with ThreadPoolExecutor(8) as pool:
            concurrent = list(pool.map(analyse, texts))
    finally:
        sys.setswitchinterval(interval)
    assert concurrent == [analyse(t) for t in texts]


def test_build_status_reads_a_half_imported_cache_module_as_still_loading(monkeypatch, tmp_path):
    """The desk asks for the build's state while the build thread may still be importing
    `scraper.techniques.cache`: a module in sys.modules without its functions yet is no error."""
    import sys
    import types

    from scraper.config import load_config
    from scraper.techniques import ahead
    from tests.conftest import make_config

    monkeypatch.setitem(sys.modules, ahead.CACHE_MODULE, types.ModuleType(ahead.CACHE_MODULE))
    assert ahead.status(load_config(str(make_config(tmp_path)))) is None
