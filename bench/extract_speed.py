"""Extraction speed: our full extraction vs plain `trafilatura.extract`, same pages, same run.

Corpus: the ~190 real pages of ../shared/corpus/html-pages (read in place) plus
generated variations of the bundled takedown pages (scraper/demo/sites), at least 200.
Prints ours / plain (goal: at most 1.3). Run: .venv/bin/python bench/extract_speed.py
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
FIXTURES = [ROOT / "scraper/demo/sites/wire/article/554018908.html", ROOT / "scraper/demo/sites/dfrlab/2019/01/31/trolltracker-outward-influence-operation-from-iran/index.html"]


def corpus() -> list[tuple[str, bytes]]:
    pages = [(f"https://{p.stem}/", p.read_bytes()) for p in sorted(CORPUS.glob("*.html"))]
    for i in range(max(20, 210 - len(pages))):
        base = FIXTURES[i % len(FIXTURES)].read_bytes()
        variant = base.replace(b"93 Facebook accounts", f"{90 + i} Facebook accounts".encode()).replace(b"783 assets", f"{700 + i} assets".encode())
        pages.append((f"https://example.org/2021/10/variant-{i}/", variant))
    return pages


def timed(fn, pages) -> float:
    start = time.perf_counter()
    for url, html in pages:
        fn(url, html)
    return time.perf_counter() - start


def ours(url: str, html: bytes) -> None:
    try:
        extract_report(html, url=url, content_type="text/html", orgs=DEFAULT_ORGS)
    except ExtractError:
        pass


def plain(url: str, html: bytes) -> None:
    trafilatura.extract(html, url=url)


def main() -> None:
    pages = corpus()
    timed(plain, pages[:10])  # warm up imports and caches for both
    timed(ours, pages[:10])
    plain_s = min(timed(plain, pages) for _ in range(2))
    ours_s = min(timed(ours, pages) for _ in range(2))
    print(f"pages={len(pages)} plain trafilatura.extract={plain_s:.2f}s ours={ours_s:.2f}s")
    print(f"ours / plain = {ours_s / plain_s:.3f}  (goal <= 1.3)")


if __name__ == "__main__":
    main()
