"""Write split.json: each takedown announcement goes to the tune or the test half.

The rule, fixed before anything was scored: an announcement key goes to "tune" when
the integer value of sha256(key, UTF-8) is even, to "test" when it is odd. All
retellings of one takedown share a key, so they land in the same half. split.json
is the record; score.py refuses labels whose announcement it does not list, so a
label added later needs `python bench/realtext/split.py --add` (which never moves
an announcement already recorded) and a note in docs/realtext.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLIT = HERE / "split.json"


def half_of(announcement: str) -> str:
    digest = hashlib.sha256(announcement.encode("utf-8")).hexdigest()
    return "tune" if int(digest, 16) % 2 == 0 else "test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--add", action="store_true", help="record announcements missing from split.json, keeping the others"
    )
    args = parser.parse_args(argv)
    labels = [
        json.loads(line) for line in (HERE / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    announcements = sorted({lab["announcement"] for lab in labels})
    if SPLIT.exists() and not args.add:
        print(
            f"error: {SPLIT} exists and is the record of the split; use --add to record new announcements",
            file=sys.stderr,
        )
        return 2
    split = json.loads(SPLIT.read_text(encoding="utf-8")) if SPLIT.exists() else {}
    for ann in announcements:
        split.setdefault(ann, half_of(ann))
    SPLIT.write_text(json.dumps(dict(sorted(split.items())), indent=1) + "\n", encoding="utf-8")
    docs = {"tune": 0, "test": 0}
    for lab in labels:
        docs[split[lab["announcement"]]] += 1
    print(f"{len(split)} announcements; documents: tune {docs['tune']}, test {docs['test']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
