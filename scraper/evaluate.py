"""Score extraction against a gold file (format: ../shared/gold/README.md).

Per document, the truth for counts is the multiset of (asset_type, value) pairs
over all networks and `totals`; an extracted pair is correct when it is in the
truth (each truth pair matches once); pairs listed in `optional` are ignored.
Followers, ad spend, origin and targets are scored the same way, each alone.
Precision, recall and F1 are micro-averaged over documents.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.errors import UserError

from .extract import extract_report
from .extract.report import Report
from .fetch.sniff import content_type_for_path

FIELDS = ("followers", "ad_spend", "origin", "targets", "counts")


@dataclass
class GoldCase:
    line: int
    id: str
    payload: bytes
    url: str
    content_type: str
    truth: dict[str, Counter]
    optional: set[tuple[str, int]]
    kind: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return f"{name} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


@dataclass
class DocResult:
    id: str
    kind: str | None = None
    counts: Score = field(default_factory=Score)
    misses: dict[str, list] = field(default_factory=dict)
    false_hits: dict[str, list] = field(default_factory=dict)
    error: str | None = None


def pairs_from_networks(networks: list[dict[str, Any]], totals: dict[str, int] | None) -> dict[str, Counter]:
    """The scored multisets of a gold line or of a Report (same shapes)."""
    out: dict[str, Counter] = {f: Counter() for f in FIELDS}
    for n in networks:
        out["counts"].update((k, int(v)) for k, v in (n.get("counts") or {}).items())
        out["followers"].update((k, int(v)) for k, v in (n.get("followers") or {}).items())
        if n.get("ad_spend_usd") is not None:
            out["ad_spend"][int(n["ad_spend_usd"])] += 1
        out["origin"].update(n.get("origin") or [])
        out["targets"].update(n.get("targets") or [])
    out["counts"].update((k, int(v)) for k, v in (totals or {}).items())
    return out


def report_pairs(report: Report) -> dict[str, Counter]:
    return pairs_from_networks([n.to_dict() for n in report.networks], report.totals)


def read_gold(path: Path) -> Iterator[GoldCase | tuple[int, str]]:
    """Cases from a gold file; a bad line yields (line number, message) and reading goes on."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"gold file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read gold file {path}: {exc}") from None
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or not entry.get("id"):
                raise ValueError("each line must be a JSON object with an `id`")
            if "text" in entry:
                payload, ctype = str(entry["text"]).encode("utf-8"), "text/plain"
            elif "path" in entry:
                doc_path = (path.parent / entry["path"]).resolve()
                payload = doc_path.read_bytes()
                ctype = content_type_for_path(doc_path)
            else:
                raise ValueError("needs `path` or `text`")
            networks = entry.get("networks") or []
            if not isinstance(networks, list):
                raise ValueError("`networks` must be a list")
            optional = {(k, int(v)) for k, values in (entry.get("optional") or {}).items() for v in values}
            yield GoldCase(
                line=number,
                id=str(entry["id"]),
                payload=payload,
                url=entry.get("url") or f"file://{path.parent / str(entry.get('path', entry['id']))}",
                content_type=ctype,
                truth=pairs_from_networks(networks, entry.get("totals")),
                optional=optional,
                kind=str(entry["kind"]) if entry.get("kind") else None,
            )
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON ({exc.msg} at column {exc.colno})"
        except OSError as exc:
            yield number, f"cannot read its document: {exc.strerror}: {exc.filename}"
        except (ValueError, TypeError, AttributeError) as exc:
            yield number, str(exc)


def counts_by_kind(docs: list[DocResult]) -> dict[str, Score]:
    """Counts scores per kind of text (the gold line's optional `kind`: news, research, ...)."""
    out: dict[str, Score] = {}
    for d in docs:
        if d.kind:
            s = out.setdefault(d.kind, Score())
            s.tp, s.fp, s.fn = s.tp + d.counts.tp, s.fp + d.counts.fp, s.fn + d.counts.fn
    return dict(sorted(out.items()))


def evaluate(path: Path, orgs: dict[str, str]) -> tuple[dict[str, Score], list[DocResult], list[str]]:
    """Scores per field, per-document details, and errors ("file:line: message")."""
    scores = {f: Score() for f in FIELDS}
    docs: list[DocResult] = []
    errors: list[str] = []
    for case in read_gold(path):
        if isinstance(case, tuple):
            errors.append(f"{path}:{case[0]}: {case[1]}")
            continue
        result = DocResult(case.id, case.kind)
        try:
            report = extract_report(case.payload, url=case.url, content_type=case.content_type, orgs=orgs)
            got = report_pairs(report)
        except UserError as exc:
            errors.append(f"{path}:{case.line}: {case.id}: {exc}")
            result.error = str(exc)
            got = {f: Counter() for f in FIELDS}
        got["counts"] = Counter({k: v for k, v in got["counts"].items() if k not in case.optional})
        for f in FIELDS:
            truth, found = case.truth[f], got[f]
            tp = sum((truth & found).values())
            scores[f].tp += tp
            scores[f].fp += sum(found.values()) - tp
            scores[f].fn += sum(truth.values()) - tp
            if f == "counts":
                result.counts = Score(tp, sum(found.values()) - tp, sum(truth.values()) - tp)
            misses, false_hits = truth - found, found - truth
            if misses:
                result.misses[f] = sorted(misses.elements(), key=str)
            if false_hits:
                result.false_hits[f] = sorted(false_hits.elements(), key=str)
        docs.append(result)
    return scores, docs, errors
