"""Extraction speed: our full extraction vs plain `trafilatura.extract`, same pages, same run.

Corpus: the ~190 real pages of ../shared/corpus/html-pages (read in place) plus
generated variations of the bundled takedown pages (scraper/demo/sites), at least 200.
Both run on every page in turn (interleaved, alternating which goes first), so
drift on a shared machine hits both sides. Prints ours / plain (goal: at most 1.3).
Run: .venv/bin/python bench/extract_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.config import DEFAULT_ORGS  # noqa: E402
from scraper.extract import ExtractError, extract_report  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "html-pages"
FIXTURES = [
    ROOT / "scraper/demo/sites/wire/article/554018908.html",
    ROOT / "scraper/demo/sites/dfrlab/2019/01/31/trolltracker-outward-influence-operation-from-iran/index.html",
]


def corpus() -> list[tuple[str, bytes]]:
    pages = [(f"https://{p.stem}/", p.read_bytes()) for p in sorted(CORPUS.glob("*.html"))]
    for i in range(max(20, 210 - len(pages))):
        base = FIXTURES[i % len(FIXTURES)].read_bytes()
        variant = base.replace(b"93 Facebook accounts", f"{90 + i} Facebook accounts".encode()).replace(
            b"783 assets", f"{700 + i} assets".encode()
        )
        pages.append((f"https://example.org/2021/10/variant-{i}/", variant))
    return pages


def ours(url: str, html: bytes) -> None:
    try:
        extract_report(html, url=url, content_type="text/html", orgs=DEFAULT_ORGS)
    except ExtractError:
        pass


def plain(url: str, html: bytes) -> None:
    trafilatura.extract(html, url=url)


def interleaved(pages: list[tuple[str, bytes]], rounds: int) -> tuple[float, float]:
    """Seconds for plain and ours, alternating the two on every page (and which goes first),
    so machine drift and cache warmth hit both sides alike."""
    plain_s = ours_s = 0.0
    for r in range(rounds):
        for i, (url, html) in enumerate(pages):
            pair = [(plain, "plain"), (ours, "ours")]
            if (i + r) % 2:
                pair.reverse()
            for fn, name in pair:
                start = time.perf_counter()
                fn(url, html)
                elapsed = time.perf_counter() - start
                if name == "plain":
                    plain_s += elapsed
                else:
                    ours_s += elapsed
    return plain_s, ours_s


def main() -> None:
    pages = corpus()
    interleaved(pages[:10], 1)  # warm up imports and caches for both
    plain_s, ours_s = interleaved(pages, 2)
    print(
        f"pages={len(pages)} rounds=2 (interleaved per page) plain trafilatura.extract={plain_s:.2f}s"
        f" ours={ours_s:.2f}s"
    )
    print(f"ours / plain = {ours_s / plain_s:.3f}  (goal <= 1.3)")


if __name__ == "__main__":
    main()
