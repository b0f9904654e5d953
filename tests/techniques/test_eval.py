"""Leave-one-incident-out evaluation: counts, no leakage, a reduced fold through the CLI."""

from __future__ import annotations

import json
import re

import numpy as np

from scraper.techniques.evaluate import evaluate
from scraper.techniques.framework import TECHNIQUE_ID_IN_TEXT
from scraper.techniques.model import SIGNALS, TechniqueModel, Weights, fit_weights, recall_at_k

from ..conftest import make_config, run_cli
from .conftest import techniques_config


def test_usable_mappings_are_counted_from_the_sheet(incidents):
    assert len(incidents) == 62
    assert len({t for i in incidents for t in i.techniques}) == 135  # 137 ids in the sheet; 2 are not in the framework
    assert all(i.passages and i.techniques for i in incidents)


def test_test_inputs_carry_no_technique_ids_names_or_explanations(framework, incidents):
    names = [t.name for t in framework.values() if " " in t.name]
    for inc in incidents:
        for passage in inc.passages:
            assert not TECHNIQUE_ID_IN_TEXT.search(passage), inc.incident_id
            assert not any(re.search(rf"\b{re.escape(n)}\b", passage, re.IGNORECASE) for n in names), inc.incident_id
            for notes in inc.explanations.values():
                assert all(note not in passage for note in notes)


def test_each_fold_is_trained_without_its_incident(framework, incidents):
    result = evaluate(framework, incidents, k=5, limit=2)
    assert result.incidents == 2
    for fold, inc in zip(result.folds, incidents[:2], strict=True):
        assert fold.gold == inc.techniques
        assert len(fold.suggested) == 5
        assert set(fold.weights) == {*SIGNALS, "intercept"}  # learned inside the fold
    assert result.folds[0].weights != result.folds[1].weights  # each fold learns from its own training set
    assert result.supported_fraction == 1.0


def test_reduced_fold_from_the_cli_prints_the_summary_line_last(tmp_path):
    cfg = make_config(tmp_path, techniques_config())
    result = run_cli("techniques", "eval", "--limit", "2", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"techniques R@5=(\d\.\d{3}) P@5=(\d\.\d{3}) baseline_R@5=(\d\.\d{3})", last)
    assert m, last
    as_json = run_cli("techniques", "eval", "--limit", "1", "--json", "--config", cfg)
    data = json.loads(as_json.stdout)
    assert data["incidents"] == 1 and len(data["folds"]) == 1 and data["summary"].startswith("techniques R@5=")


def test_recall_at_k_scores_each_weighting_on_held_out_incidents():
    # two held-out incidents, two signals, four techniques; signal 0 ranks the gold first, signal 1 last
    signals = np.array(
        [
            [[0.9, 0.1, 0.2, 0.0], [0.0, 0.3, 0.4, 1.0]],
            [[0.1, 0.8, 0.0, 0.2], [1.0, 0.0, 0.3, 0.2]],
        ]
    )
    gold = np.array([[1, 0, 0, 0], [0, 1, 0, 0]])
    supported = np.ones_like(gold, dtype=bool)
    weights = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert recall_at_k(weights, signals, supported, gold, k=1).tolist() == [1.0, 0.0, 0.0]
    assert recall_at_k(weights, signals, supported, gold, k=4).tolist() == [1.0, 1.0, 1.0]
    unsupported = supported.copy()
    unsupported[0, 0] = False  # a technique without a supporting sentence is never suggested
    assert recall_at_k(weights, signals, unsupported, gold, k=1).tolist() == [0.5, 0.0, 0.0]


def test_fit_weights_learns_which_signal_marks_the_gold():
    # three incidents, four techniques: signal 0 is high on the gold, signal 1 is noise, the rest zero
    two = np.array(
        [
            [[0.9, 0.1, 0.2, 0.0], [0.2, 0.9, 0.8, 0.1]],
            [[0.1, 0.8, 0.0, 0.2], [0.9, 0.1, 0.7, 0.3]],
            [[0.0, 0.1, 1.0, 0.3], [0.8, 0.9, 0.2, 0.4]],
        ]
    )
    signals = np.concatenate([two, np.zeros((3, len(SIGNALS) - 2, 4))], axis=1)
    gold = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=bool)
    supported = np.ones_like(gold)
    w = fit_weights(signals, supported, gold)
    assert w.framework_doc > 0 > w.framework_sentence
    for inc in range(3):  # the learned score ranks each incident's gold first, and is positive
        scores = w.score(signals[inc])
        assert int(np.argmax(scores)) == int(np.argmax(gold[inc])) and (scores > 0).all()
    # pairs without a supporting sentence are never suggested, so they do not teach the model
    unsupported = supported.copy()
    unsupported[:, 3] = False
    flipped = signals.copy()
    flipped[:, 0, 3] = 5.0  # a huge signal 0 on a never-gold, unsupported technique changes nothing
    assert fit_weights(flipped, unsupported, gold) == fit_weights(signals, unsupported, gold)
    assert fit_weights(signals, supported, np.zeros_like(gold)) == Weights()  # nothing to learn from


def test_weights_are_learned_on_training_incidents_only(framework, incidents):
    train = incidents[1:]
    model = TechniqueModel(framework, train)
    signals, supported = model.held_out_signals()
    assert signals.shape[0] == len(train)
    assert model.setting is not None  # regularisation chosen on the training incidents' held-out signals
    assert model.weights == fit_weights(signals, supported, model.labels > 0, *model.setting)
    assert "\n\n".join(incidents[0].passages) not in model.doc_texts and model.labels.shape[0] == len(train)
    assert TechniqueModel(framework, train, Weights()).weights == Weights()  # given weights are used as they are
