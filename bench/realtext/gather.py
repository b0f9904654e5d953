"""Gather the real-text benchmark's texts into the ignored cache, by sha256.

The labels (`labels.jsonl`) are committed; the texts are not. Each label names the
search query (the session's `search` tool, corpus "pages") whose result at `rank`
is the text, and the sha256 of that exact excerpt. The search tool is a session
tool, not callable from a script, so regathering is two steps:

    python bench/realtext/gather.py            # which texts are missing, and the query for each
    python bench/realtext/gather.py import DUMP.json ...   # save texts from search-tool answers

A dump is the search tool's JSON answer ({"query": ..., "results": [{"rank", "url",
"excerpt"}, ...]}), saved as it came. A result whose excerpt hashes to a label's sha256
goes into `cache/<sha256>.txt`. A result carrying a `label` object (how the set was
built) is also appended to `labels.jsonl` when its sha256 is new.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.jsonl"
CACHE = HERE / "cache"
LABEL_KEYS = ("platform", "pub_date", "networks", "totals", "optional", "note")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_labels(path: Path = LABELS) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cached_text(sha: str, cache: Path = CACHE) -> str | None:
    path = cache / f"{sha}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def missing(labels: list[dict], cache: Path = CACHE) -> list[dict]:
    return [lab for lab in labels if not (cache / f"{lab['sha256']}.txt").exists()]


def label_record(query: str, result: dict, label: dict, sha: str) -> dict:
    record = {"id": f"rt-{sha[:12]}", "url": result["url"], "query": query, "rank": result["rank"]}
    for key in ("kind", "region", "announcement"):
        record[key] = label[key]
    record["lang"] = label.get("lang", "en")
    record["sha256"] = sha
    for key in LABEL_KEYS:
        if label.get(key) not in (None, [], {}):
            record[key] = label[key]
    record.setdefault("networks", [])
    return record


def import_dump(dump: dict, labels: list[dict], cache: Path = CACHE) -> tuple[int, list[dict], list[str]]:
    """Save the texts of one search answer; returns (saved, new labels, warnings)."""
    known = {lab["sha256"] for lab in labels}
    by_url = {(lab["query"], lab["url"]): lab for lab in labels}
    saved, new, warnings = 0, [], []
    query = dump["query"]
    cache.mkdir(parents=True, exist_ok=True)
    for result in dump.get("results", []):
        text = result["excerpt"]
        sha = sha256_text(text)
        label = result.get("label")
        if label is not None and sha not in known:
            record = label_record(query, result, label, sha)
            new.append(record)
            known.add(sha)
        elif sha not in known:
            old = by_url.get((query, result["url"]))
            if old is not None:
                warnings.append(
                    f"{result['url']}: text changed since labelling (sha256 {sha[:12]} != {old['sha256'][:12]}); label"
                    f" {old['id']} stays missing"
                )
            continue
        path = cache / f"{sha}.txt"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            saved += 1
    return saved, new, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd")
    imp = sub.add_parser("import", help="save texts from search-tool JSON answers")
    imp.add_argument("dumps", nargs="+", type=Path)
    args = parser.parse_args(argv)
    labels = read_labels(LABELS)
    if args.cmd == "import":
        total_new = 0
        for dump_path in args.dumps:
            try:
                dump = json.loads(dump_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                print(
                    f"error: cannot read {dump_path}: {exc}; give the search tool's JSON answer as saved",
                    file=sys.stderr,
                )
                return 2
            try:
                saved, new, warnings = import_dump(dump, labels, CACHE)
            except (KeyError, TypeError, AttributeError) as exc:
                print(
                    f"error: {dump_path} is not a search-tool answer (missing or wrong field {exc}); give the JSON the"
                    " search tool returned",
                    file=sys.stderr,
                )
                return 2
            for w in warnings:
                print(f"warning: {w}", file=sys.stderr)
            if new:
                with LABELS.open("a", encoding="utf-8") as fh:
                    for record in new:
                        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                labels.extend(new)
                total_new += len(new)
            print(f"{dump_path}: {saved} texts saved, {len(new)} new labels")
        print(f"{len(labels)} labels, {len(labels) - len(missing(labels, CACHE))} texts cached")
        return 0
    gone = missing(labels, CACHE)
    print(f"{len(labels)} labels, {len(labels) - len(gone)} texts cached, {len(gone)} missing")
    queries: dict[str, list[dict]] = {}
    for lab in gone:
        queries.setdefault(lab["query"], []).append(lab)
    for query, labs in queries.items():
        ranks = ", ".join(f"#{lab['rank']} {lab['url']}" for lab in labs)
        print(f"search (corpus pages): {query!r}  -> {ranks}")
    return 1 if gone else 0


if __name__ == "__main__":
    sys.exit(main())
