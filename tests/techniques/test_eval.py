"""Leave-one-incident-out evaluation: counts, no leakage, a reduced fold through the CLI."""

from __future__ import annotations

import json
import re

from scraper.techniques.evaluate import evaluate
from scraper.techniques.framework import TECHNIQUE_ID_IN_TEXT

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
    result = evaluate(framework, incidents, k=5, limit=3)
    assert result.incidents == 3
    for fold, inc in zip(result.folds, incidents[:3], strict=True):
        assert fold.gold == inc.techniques
        assert len(fold.suggested) == 5
    assert result.supported_fraction == 1.0


def test_reduced_fold_from_the_cli_prints_the_summary_line_last(tmp_path):
    cfg = make_config(tmp_path, techniques_config())
    result = run_cli("techniques", "eval", "--limit", "4", "--config", cfg)
    assert result.exit_code == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"techniques R@5=(\d\.\d{3}) P@5=(\d\.\d{3}) baseline_R@5=(\d\.\d{3})", last)
    assert m, last
    as_json = run_cli("techniques", "eval", "--limit", "2", "--json", "--config", cfg)
    data = json.loads(as_json.stdout)
    assert data["incidents"] == 2 and len(data["folds"]) == 2 and data["summary"].startswith("techniques R@5=")
