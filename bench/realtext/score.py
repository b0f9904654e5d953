"""Score the extractor on one half of the real-text benchmark.

Runs the project's own scorer (`scraper.evaluate.evaluate`, the one `takedowns eval`
uses, with the same `extract_report` call that `takedowns extract --json` makes) on
the cached texts of one half, and prints a table: counts P/R/F1, origin and targets
F1, followers P, counts recall per kind of text and per region of the outlet, how
many negatives got a false count, and, once the extractor reports a confidence,
the share of wrong counts among the low-confidence ones.

    .venv/bin/python bench/realtext/score.py --half tune [--details] [--lang en|other] [--fold 1|2]
    .venv/bin/python bench/realtext/score.py --half test      # only to report; log it in docs/realtext.md

Texts come from bench/realtext/cache (see gather.py); the half of each label comes
from split.json, never recomputed here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtext.gather import CACHE, LABELS, cached_text, read_labels  # noqa: E402
from scraper.config import DEFAULT_ORGS  # noqa: E402
from scraper.evaluate import DocResult, Score, counts_by_kind, evaluate  # noqa: E402
from scraper.extract import extract_report  # noqa: E402

SPLIT = HERE / "split.json"
FOLDS = HERE / "folds.json"  # tune announcement -> fold 1 or 2, for judging whether a rule generalises within tune
GOLD_KEYS = ("id", "url", "kind", "platform", "pub_date", "networks", "totals", "optional")
US_UK = {"us", "uk", "us_uk_wire"}


class BenchError(Exception):
    """A problem with the benchmark's files, told in one line."""


@dataclass
class HalfResult:
    half: str
    documents: int
    scores: dict[str, Score]
    docs: list[DocResult]
    labels: list[dict]
    errors: list[str]
    low_confidence: tuple[int, int] | None  # (wrong, all) among low-confidence counts, None when not reported
    places: dict[str, dict[str, list[int]]] | None = None  # field -> provenance -> [right, wrong, marked, marked wrong]


def labels_of_half(labels: list[dict], split: dict[str, str], half: str) -> list[dict]:
    """The labels whose announcement split.json puts in `half` ("all": every label)."""
    unknown = sorted({lab["announcement"] for lab in labels} - set(split))
    if unknown:
        raise BenchError(
            f"{len(unknown)} announcements are not in split.json (first: {unknown[0]}); record them with"
            " bench/realtext/split.py --add"
        )
    return [lab for lab in labels if half == "all" or split[lab["announcement"]] == half]


def gold_lines(labels: Iterable[dict], cache: Path = CACHE) -> list[dict]:
    """Gold-format lines (scraper/evaluate.py) with each cached text inline."""
    lines, missing = [], []
    for lab in labels:
        text = cached_text(lab["sha256"], cache)
        if text is None:
            missing.append(lab["id"])
            continue
        line = {k: lab[k] for k in GOLD_KEYS if k in lab}
        line["text"] = text
        lines.append(line)
    if missing:
        raise BenchError(
            f"{len(missing)} texts are not in {cache} (first: {missing[0]}); run bench/realtext/gather.py to see the"
            " searches that regather them"
        )
    return lines


def group_counts(docs: list[DocResult], key: dict[str, str]) -> dict[str, Score]:
    """Counts scores summed per group (region, ...) of each document's label."""
    out: dict[str, Score] = {}
    for d in docs:
        s = out.setdefault(key[d.id], Score())
        s.tp, s.fp, s.fn = s.tp + d.counts.tp, s.fp + d.counts.fp, s.fn + d.counts.fn
    return dict(sorted(out.items()))


def place_provenance(lines: list[dict]) -> dict[str, dict[str, list[int]]]:
    """Per place field ("origin", "targets") and provenance, [right, wrong, marked check, marked and wrong].

    A Report's network carries `found_by` = {"origin"|"targets": {country: provenance}} and `confidence`
    (scraper/extract/report.py). A place is right when the document's truth has it for that field (each truth
    place matches once, as the scorer counts); places the extractor does not mark take their truth first.
    """
    out: dict[str, dict[str, list[int]]] = {"origin": {}, "targets": {}}
    for line in lines:
        report = _report(line)
        for field in out:
            truth = Counter(c for n in line.get("networks", []) for c in n.get(field) or [])
            found = [
                (
                    c,
                    (n.get("found_by") or {}).get(field, {}).get(c, "(none recorded)"),
                    (n.get("confidence") or {}).get(field, {}).get(c) == "check",
                )
                for n in report.get("networks", [])
                for c in n.get(field) or []
            ]
            for c, how, marked in sorted(found, key=lambda f: f[2]):
                row = out[field].setdefault(how, [0, 0, 0, 0])
                right = truth[c] > 0
                truth[c] -= right
                row[0 if right else 1] += 1
                row[2] += marked
                row[3] += marked and not right
    return out


def _report(line: dict) -> dict:
    return extract_report(
        line["text"].encode("utf-8"), url=line["url"], content_type="text/plain", orgs=dict(DEFAULT_ORGS)
    ).to_dict()


def fold_of(announcement: str) -> int:
    """Fold 1 or 2 of a tune-half announcement: a second hash of the announcement, so retellings stay together.

    Fixed rule (not a random draw), recorded in folds.json by `--write-folds`."""
    return 1 + int(hashlib.sha256(("fold:" + announcement).encode("utf-8")).hexdigest(), 16) % 2


def low_confidence_errors(lines: list[dict]) -> tuple[int, int] | None:
    """(wrong, all) among counts the extractor marks "check"; None when it reports no confidence.

    A Report's network carries `confidence` = {"counts": {asset_type: "high"|"check"}, ...} and the
    report `totals_confidence` = {asset_type: "high"|"check"} (scraper/extract/report.py). A count
    is wrong when its (type, value) pair is not in the document's truth.
    """
    seen_any, wrong, total = False, 0, 0
    for line in lines:
        report = _report(line)
        truth = Counter((k, int(v)) for n in line.get("networks", []) for k, v in (n.get("counts") or {}).items())
        truth.update((k, int(v)) for k, v in (line.get("totals") or {}).items())
        optional = {(k, int(v)) for k, values in (line.get("optional") or {}).items() for v in values}
        marked: list[tuple[str, int, str]] = []
        for n in report.get("networks", []):
            levels = (n.get("confidence") or {}).get("counts") or {}
            marked += [(k, int(v), levels.get(k, "")) for k, v in (n.get("counts") or {}).items()]
        levels = report.get("totals_confidence") or {}
        marked += [(k, int(v), levels.get(k, "")) for k, v in (report.get("totals") or {}).items()]
        for k, v, level in sorted(marked, key=lambda m: m[2] != "high"):  # sure ones take their truth pair first
            seen_any = seen_any or bool(level)
            if (k, v) in optional:
                continue
            right = truth[(k, v)] > 0
            if right:
                truth[(k, v)] -= 1
            if level == "check":
                total += 1
                wrong += not right
    return (wrong, total) if seen_any else None


def score_half(
    half: str,
    labels_path: Path = LABELS,
    split_path: Path = SPLIT,
    cache: Path = CACHE,
    confidence: bool = True,
    lang: str = "all",
    fold: int | None = None,
    folds_path: Path | None = None,
) -> HalfResult:
    try:
        split = json.loads(split_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BenchError(
            f"{split_path} does not exist; the split is recorded once with bench/realtext/split.py"
        ) from None
    labels = labels_of_half(read_labels(labels_path), split, half)
    if lang != "all":
        labels = [lab for lab in labels if (lab.get("lang", "en") == "en") == (lang == "en")]
    if fold is not None:
        if half != "tune":
            raise BenchError("--fold splits the tune half only")
        folds = read_folds(folds_path or FOLDS)
        missing = sorted({lab["announcement"] for lab in labels} - set(folds))
        if missing:
            raise BenchError(
                f"{len(missing)} tune announcements are not in folds.json (first: {missing[0]}); run score.py"
                " --write-folds"
            )
        labels = [lab for lab in labels if folds[lab["announcement"]] == fold]
    if not labels:
        raise BenchError(f"no labels in the {half} half")
    lines = gold_lines(labels, cache)
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / f"realtext-{half}.jsonl"
        gold.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        scores, docs, errors = evaluate(gold, dict(DEFAULT_ORGS))
    low = low_confidence_errors(lines) if confidence else None
    places = place_provenance(lines) if confidence else None
    return HalfResult(half, len(docs), scores, docs, labels, errors, low, places)


def read_folds(path: Path) -> dict[str, int]:
    try:
        return {a: int(f) for a, f in json.loads(path.read_text(encoding="utf-8")).items()}
    except FileNotFoundError:
        raise BenchError(f"{path} does not exist; record the tune half's folds with score.py --write-folds") from None


def write_folds(split_path: Path = SPLIT, folds_path: Path = FOLDS) -> dict[str, int]:
    """Record fold_of() for every tune announcement; an announcement already recorded keeps its fold."""
    split = json.loads(split_path.read_text(encoding="utf-8"))
    folds = read_folds(folds_path) if folds_path.exists() else {}
    for a, half in sorted(split.items()):
        if half == "tune":
            folds.setdefault(a, fold_of(a))
    folds_path.write_text(json.dumps(dict(sorted(folds.items())), indent=1) + "\n", encoding="utf-8")
    return folds


def table(result: HalfResult) -> str:
    s = result.scores
    by_id = {lab["id"]: lab for lab in result.labels}
    region_group = {
        i: ("us/uk" if lab["region"] in US_UK else "unknown" if lab["region"] == "unknown" else "other")
        for i, lab in by_id.items()
    }
    negatives = [
        d
        for d in result.docs
        if not by_id[d.id].get("totals") and not any(n.get("counts") for n in by_id[d.id]["networks"])
    ]
    rows = [
        f"half: {result.half}   documents: {result.documents}   errors: {len(result.errors)}",
        "| measure | P | R | F1 | tp | fp | fn |",
        "|---|---|---|---|---|---|---|",
    ]
    for field in ("counts", "origin", "targets", "followers", "ad_spend"):
        x = s[field]
        rows.append(f"| {field} | {x.precision:.3f} | {x.recall:.3f} | {x.f1:.3f} | {x.tp} | {x.fp} | {x.fn} |")
    rows.append("")
    rows.append("| counts by kind | docs | P | R | F1 |")
    rows.append("|---|---|---|---|---|")
    kinds = {k: sum(1 for d in result.docs if d.kind == k) for k in counts_by_kind(result.docs)}
    for k, x in counts_by_kind(result.docs).items():
        rows.append(f"| {k} | {kinds[k]} | {x.precision:.3f} | {x.recall:.3f} | {x.f1:.3f} |")
    rows.append("")
    rows.append("| counts by outlet region | docs | P | R | F1 |")
    rows.append("|---|---|---|---|---|")
    for g, x in group_counts(result.docs, region_group).items():
        rows.append(
            f"| {g} | {sum(1 for v in region_group.values() if v == g)} | {x.precision:.3f} | {x.recall:.3f} |"
            f" {x.f1:.3f} |"
        )
    rows.append("")
    rows.append("| counts by language of the text | docs | P | R | F1 |")
    rows.append("|---|---|---|---|---|")
    lang_group = {i: ("English" if lab.get("lang", "en") == "en" else "other languages") for i, lab in by_id.items()}
    for g, x in group_counts(result.docs, lang_group).items():
        rows.append(
            f"| {g} | {sum(1 for v in lang_group.values() if v == g)} | {x.precision:.3f} | {x.recall:.3f} | {x.f1:.3f}"
            " |"
        )
    rows.append("")
    rows.append(
        f"negatives (no count in truth): {len(negatives)}, with a false count:"
        f" {sum(1 for d in negatives if d.counts.fp)}"
    )
    if result.low_confidence is None:
        rows.append("low-confidence counts: n/a (the extractor reports no confidence)")
    else:
        wrong, total = result.low_confidence
        all_wrong = s["counts"].fp
        extracted = s["counts"].tp + s["counts"].fp
        rows.append(
            f"counts marked check: {total} of {extracted} extracted, {wrong} of them wrong; "
            f"they hold {wrong}/{all_wrong} of all wrong counts (unmarked: {all_wrong - wrong} wrong of"
            f" {extracted - total})"
        )
    for field, provenances in (result.places or {}).items():
        x = s[field]
        rows.append("")
        rows.append(f"| {field} found by | right | wrong | marked check | {field} F1 without it |")
        rows.append("|---|---|---|---|---|")
        for how, (right, wrong, marked, _) in sorted(provenances.items(), key=lambda p: -sum(p[1][:2])):
            # what dropping the rule would do, before any fallback fills in: the place rule's worth on this half
            without = Score(tp=x.tp - right, fp=x.fp - wrong, fn=x.fn + right)
            rows.append(f"| {how} | {right} | {wrong} | {marked} | {without.f1:.3f} ({without.f1 - x.f1:+.3f}) |")
        m_wrong = sum(row[3] for row in provenances.values())
        m_right = sum(row[2] for row in provenances.values()) - m_wrong
        rows.append(
            f"{field} marked check: {m_right + m_wrong} of {x.tp + x.fp}, {m_right} of them right; they hold"
            f" {m_wrong}/{x.fp} of the wrong {field} (unmarked: {x.fp - m_wrong} wrong of"
            f" {x.tp + x.fp - m_right - m_wrong})"
        )
    return "\n".join(rows)


def details(result: HalfResult) -> str:
    out = []
    for d in result.docs:
        for kind, bag in (("missed", d.misses), ("false", d.false_hits)):
            for field, items in bag.items():
                out.append(f"{d.id}: {kind} {field}: {items}")
    return "\n".join(out)


def as_json(result: HalfResult) -> dict[str, Any]:
    return {
        "half": result.half,
        "documents": result.documents,
        "errors": result.errors,
        "scores": {f: x.to_dict() for f, x in result.scores.items()},
        "counts_by_kind": {k: x.to_dict() for k, x in counts_by_kind(result.docs).items()},
        "low_confidence": result.low_confidence,
        "places_by_provenance": result.places,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("tune", "test", "all"))
    parser.add_argument(
        "--details", action="store_true", help="list misses and false hits per document (tune half only)"
    )
    parser.add_argument(
        "--lang", choices=("all", "en", "other"), default="all", help="only texts in English (en) or only the others"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--fold", type=int, choices=(1, 2), help="only one of the tune half's two folds (folds.json, by announcement)"
    )
    parser.add_argument(
        "--write-folds", action="store_true", help="record the fold of tune announcements not yet in folds.json"
    )
    args = parser.parse_args(argv)
    if args.write_folds:
        folds = write_folds()
        print(
            f"{FOLDS}: {sum(f == 1 for f in folds.values())} announcements in fold 1, "
            f"{sum(f == 2 for f in folds.values())} in fold 2"
        )
        return 0
    if args.half is None:
        parser.error("--half is required (or --write-folds)")
    if args.details and args.half != "tune":
        print(
            "error: --details is for the tune half only; the test half is scored to report, not to read",
            file=sys.stderr,
        )
        return 2
    try:
        result = score_half(args.half, lang=args.lang, fold=args.fold)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for e in result.errors:
        print(f"error: {e}", file=sys.stderr)
    print(json.dumps(as_json(result), indent=1) if args.json else table(result))
    if args.details:
        print(details(result))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
