"""The real-text benchmark's plumbing: texts cached by sha256, the split as recorded, scores from the project's scorer.

Texts here are sentences written for these tests; the benchmark's real texts stay in its ignored cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.realtext import gather, score
from scraper.extract.networks import NOTHING_COUNTED


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


REMOVAL = "Platform clears network\n\nWe removed 12 Facebook accounts and 3 Pages for coordinated inauthentic behavior. The network originated in Iran."
NEGATIVE = "Researchers counted 4,000 posts in a hashtag campaign. Nothing was removed."


def _label(text: str, announcement: str, **truth) -> dict:
    sha = _sha(text)
    return {
        "id": f"rt-{sha[:12]}",
        "url": f"https://example.org/{sha[:8]}",
        "query": "q",
        "rank": 1,
        "kind": truth.pop("kind", "news"),
        "region": "europe",
        "lang": "en",
        "announcement": announcement,
        "sha256": sha,
        "networks": truth.pop("networks", []),
    }


def _bench(tmp_path: Path, labels: list[dict], texts: list[str], split: dict[str, str]) -> tuple[Path, Path, Path]:
    cache = tmp_path / "cache"
    cache.mkdir()
    for text in texts:
        (cache / f"{_sha(text)}.txt").write_text(text, encoding="utf-8")
    labels_path = tmp_path / "labels.jsonl"
    labels_path.write_text("".join(json.dumps(lab) + "\n" for lab in labels), encoding="utf-8")
    split_path = tmp_path / "split.json"
    split_path.write_text(json.dumps(split), encoding="utf-8")
    return labels_path, split_path, cache


def test_import_saves_labelled_texts_and_refuses_changed_ones(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    dump = {
        "query": "takedown q",
        "results": [
            {
                "rank": 1,
                "url": "https://example.org/a",
                "excerpt": REMOVAL,
                "label": {"kind": "news", "region": "asia", "announcement": "a-1", "networks": []},
            },
        ],
    }
    saved, new, warnings = gather.import_dump(dump, [], cache)
    assert (saved, len(new), warnings) == (1, 1, [])
    assert (cache / f"{_sha(REMOVAL)}.txt").read_text(encoding="utf-8") == REMOVAL
    assert new[0]["sha256"] == _sha(REMOVAL) and new[0]["query"] == "takedown q" and new[0]["lang"] == "en"

    # Regathering: the same answer without labels fills an empty cache; a changed excerpt is reported, not saved.
    (cache / f"{_sha(REMOVAL)}.txt").unlink()
    plain = {"query": "takedown q", "results": [{"rank": 1, "url": "https://example.org/a", "excerpt": REMOVAL}]}
    assert gather.import_dump(plain, new, cache)[0] == 1
    changed = {
        "query": "takedown q",
        "results": [{"rank": 1, "url": "https://example.org/a", "excerpt": REMOVAL + " Updated."}],
    }
    saved, _, warnings = gather.import_dump(changed, new, cache)
    assert saved == 0 and len(warnings) == 1 and "text changed" in warnings[0]


def test_gather_lists_the_search_for_each_missing_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_path, _, cache = _bench(tmp_path, [_label(REMOVAL, "a-1")], [], {})
    monkeypatch.setattr(gather, "LABELS", labels_path)
    monkeypatch.setattr(gather, "CACHE", cache)
    assert gather.main([]) == 1
    out = capsys.readouterr().out
    assert "1 missing" in out and "'q'" in out and "example.org" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"results": []}), encoding="utf-8")
    assert gather.main(["import", str(bad)]) == 2
    assert "not a search-tool answer" in capsys.readouterr().err


def test_score_uses_the_recorded_split_and_the_project_scorer(tmp_path: Path) -> None:
    tune = _label(
        REMOVAL,
        "tune-takedown",
        networks=[{"origin": ["Iran"], "counts": {"facebook_accounts": 12, "facebook_pages": 3}}],
    )
    neg = _label(NEGATIVE, "test-none", kind="negative")
    labels_path, split_path, cache = _bench(
        tmp_path, [tune, neg], [REMOVAL, NEGATIVE], {"tune-takedown": "tune", "test-none": "test"}
    )
    result = score.score_half("tune", labels_path, split_path, cache)
    assert result.documents == 1 and [d.id for d in result.docs] == [tune["id"]]
    counts = result.scores["counts"]
    assert counts.tp + counts.fn == 2  # the truth is this half's two pairs, nothing from the other half
    assert result.low_confidence is not None  # the extractor marks each count "high" or "check"
    wrong, marked = result.low_confidence
    assert 0 <= wrong <= marked <= counts.tp + counts.fp
    assert "half: tune" in score.table(result)
    assert score.score_half("test", labels_path, split_path, cache).documents == 1


def test_score_refuses_labels_the_split_does_not_record_and_missing_texts(tmp_path: Path) -> None:
    lab = _label(REMOVAL, "new-takedown")
    labels_path, split_path, cache = _bench(tmp_path, [lab], [], {"other": "tune"})
    with pytest.raises(score.BenchError, match="not in split.json"):
        score.score_half("tune", labels_path, split_path, cache)
    split_path.write_text(json.dumps({"new-takedown": "tune"}), encoding="utf-8")
    with pytest.raises(score.BenchError, match="gather.py"):
        score.score_half("tune", labels_path, split_path, cache)


def test_details_are_refused_on_the_test_half(capsys: pytest.CaptureFixture[str]) -> None:
    assert score.main(["--half", "test", "--details"]) == 2
    assert "tune half only" in capsys.readouterr().err


def test_language_filter_keeps_english_or_the_others(tmp_path: Path) -> None:
    english = _label(REMOVAL, "t1", networks=[{"counts": {"facebook_accounts": 12, "facebook_pages": 3}}])
    spanish_text = "Facebook eliminó 12 cuentas y 3 páginas."
    spanish = _label(spanish_text, "t2", networks=[{"counts": {"facebook_accounts": 12, "facebook_pages": 3}}])
    spanish["lang"] = "es"
    labels_path, split_path, cache = _bench(
        tmp_path, [english, spanish], [REMOVAL, spanish_text], {"t1": "tune", "t2": "tune"}
    )
    assert [d.id for d in score.score_half("tune", labels_path, split_path, cache, lang="en").docs] == [english["id"]]
    assert [d.id for d in score.score_half("tune", labels_path, split_path, cache, lang="other").docs] == [
        spanish["id"]
    ]


def test_places_are_scored_per_provenance_and_the_tune_half_splits_into_recorded_folds(tmp_path: Path) -> None:
    right = _label(REMOVAL, "tune-a", networks=[{"origin": ["Iran"], "counts": {"facebook_accounts": 12}}])
    guessed_text = "A network from Peru\n\nAcross its reports, the company removed a total of 40 Facebook accounts."
    guessed = _label(guessed_text, "tune-b", networks=[{"origin": ["Chile"]}])  # the title's Peru is wrong here
    labels_path, split_path, cache = _bench(
        tmp_path, [right, guessed], [REMOVAL, guessed_text], {"tune-a": "tune", "tune-b": "tune", "x": "test"}
    )
    result = score.score_half("tune", labels_path, split_path, cache)
    assert result.places is not None
    assert result.places["origin"]["an origin phrase (originating in / coming from)"] == [1, 0, 0, 0]
    assert result.places["origin"][NOTHING_COUNTED] == [0, 1, 1, 1]  # wrong, and marked check
    assert "origin marked check: 1 of 2, 0 of them right; they hold 1/1 of the wrong origin" in score.table(result)

    folds_path = tmp_path / "folds.json"
    folds = score.write_folds(split_path, folds_path)
    assert folds == {"tune-a": score.fold_of("tune-a"), "tune-b": score.fold_of("tune-b")}  # the test half has none
    folds_path.write_text(json.dumps({"tune-a": 1, "tune-b": 2}), encoding="utf-8")  # a recorded fold is kept
    assert score.write_folds(split_path, folds_path) == {"tune-a": 1, "tune-b": 2}
    one = score.score_half("tune", labels_path, split_path, cache, fold=1, folds_path=folds_path)
    assert [d.id for d in one.docs] == [right["id"]]
    with pytest.raises(score.BenchError, match="tune half only"):
        score.score_half("test", labels_path, split_path, cache, fold=1, folds_path=folds_path)
    folds_path.write_text(json.dumps({"tune-a": 1}), encoding="utf-8")
    with pytest.raises(score.BenchError, match="--write-folds"):
        score.score_half("tune", labels_path, split_path, cache, fold=1, folds_path=folds_path)
