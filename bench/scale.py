"""Flat cost as the archive grows: a catalogue grown through the real ingestion path.

Serves takedown report pages on 127.0.0.1 (four reports per takedown, so
`reports / 4` stubs, spread over ten years, several platforms and origins) and
feeds them one by one through `capture_url` (fetch, WARC, catalogue, extract,
WACZ, stubs, Atom feed) with the Wayback Machine disabled. It measures, at a
small catalogue (`--base`, 1k) and at the full size (`--reports`, 20k):

- per-report ingestion cost (mean over `--sample` new reports): goal at N / at 1k <= 1.2
- `stubs list` and `stubs export --format xlsx` wall time: goal at N / at 1k <= 2
- SQL statements per command (SQLAlchemy events), which must not grow with N
- `archive verify` after one new report (incremental; goal < 2 s) and `--all` (parallel)
- bytes stored per report (WARC + WACZ + catalogue) / raw page bytes

    python bench/scale.py                 # 20,000 reports (long: run it on an idle machine)
    python bench/scale.py --quick         # 1,200 reports, base 300, for CI
    python bench/scale.py --reports 3000 --base 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from archive.catalogue import Catalogue  # noqa: E402
from archive.warc import WarcStore  # noqa: E402
from scraper.cli import cli  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.pipeline import capture_url  # noqa: E402

PER_STUB = 4
PLATFORMS = [("Meta", "Facebook accounts", "Pages"), ("Google", "YouTube channels", "Blogger blogs"), ("TikTok", "TikTok accounts", "TikTok accounts")]
COUNTRIES = [
    "Iran", "Russia", "China", "Egypt", "Nigeria", "Mexico", "Brazil", "India", "Pakistan", "Turkey",
    "Israel", "Ukraine", "Georgia", "Romania", "Poland", "Kenya", "Ghana", "Peru", "Chile", "Spain",
    "France", "Vietnam", "Thailand", "Indonesia", "Malaysia",
]
WORDS = (
    "network accounts operators posted content audiences pages groups fake personas news commentary "
    "elections government opposition military campaign investigation researchers behaviour policy "
    "linked individuals websites engagement followers comments advertising activity identified removed"
).split()
START = date(2016, 1, 1)


def report_page(i: int) -> bytes:
    """Report `i`: takedown `i // 4`, published within a few days of its siblings."""
    cluster = i // PER_STUB
    rng = random.Random(cluster)
    platform, noun_a, noun_b = PLATFORMS[rng.randrange(len(PLATFORMS))]
    origin = COUNTRIES[rng.randrange(len(COUNTRIES))]
    target = COUNTRIES[(COUNTRIES.index(origin) + 1 + rng.randrange(5)) % len(COUNTRIES)]
    day = START + timedelta(days=rng.randrange(3650) + (i % PER_STUB) * 2)
    a, b = 100 + cluster, 3 + rng.randrange(90)
    body_rng = random.Random(i)
    filler = "".join(
        "<p>" + " ".join(body_rng.choice(WORDS) for _ in range(60)).capitalize() + ".</p>\n" for _ in range(25)
    )
    verb = "We removed" if platform != "Google" else "We terminated"
    return (
        f'<html><head><title>Takedown {cluster} report {i}: {origin}</title>'
        f'<meta property="article:published_time" content="{day.isoformat()}T09:00:00Z">'
        f'<meta property="og:site_name" content="{platform} newsroom"></head><body><article><h1>Report {i}</h1>\n'
        f"<p>{verb} {a} {noun_a} and {b} {noun_b} on {platform} for coordinated inauthentic behavior. "
        f"This network originated in {origin} and targeted audiences in {target}.</p>\n{filler}</article></body></html>"
    ).encode()


class ReportSite(LoopbackServer):
    """GET /r/<i>.html serves report_page(i); counts raw bytes served."""

    def __init__(self) -> None:
        self.raw_bytes = 0
        super().__init__(self.respond, name="bench-reports")
        self.start()

    def respond(self, request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        body = report_page(int(request.path.rsplit("/", 1)[-1].split(".")[0]))
        self.raw_bytes += len(body)
        return Answer(200, body, {"Content-Type": "text/html; charset=utf-8"})

    def url(self, i: int) -> str:  # type: ignore[override]
        return f"{self.base}/r/{i}.html"


class QueryCounter:
    """Counts SQL statements sent by any engine in this process."""

    def __init__(self) -> None:
        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *args: object) -> None:
        self.count += 1

    @contextlib.contextmanager
    def measure(self) -> Iterator[dict[str, float]]:
        out: dict[str, float] = {}
        before, t0 = self.count, time.perf_counter()
        yield out
        out["seconds"], out["queries"] = time.perf_counter() - t0, self.count - before


class Grower:
    def __init__(self, tmp: Path, site: ReportSite):
        self.cfg = tmp / "config.toml"
        self.cfg.write_text(
            '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n'
            "[archive.wayback]\nenabled = false\n"
        )
        self.config = load_config(str(self.cfg))
        self.catalogue = Catalogue(self.config.catalogue_url)
        self.store = WarcStore(self.config.data_dir, self.catalogue, self.config.warc_max_file_bytes)
        self.site = site
        self.size = 0

    async def _ingest(self, upto: int) -> None:
        async with HttpClient(self.config.http) as client:
            while self.size < upto:
                await capture_url(self.config, self.catalogue, client, self.site.url(self.size), store=self.store, source_name="bench")
                self.size += 1

    def grow(self, upto: int) -> None:
        asyncio.run(self._ingest(upto))

    def stored_bytes(self) -> dict[str, int]:
        data = self.config.data_dir
        return {
            "warc": sum(p.stat().st_size for p in data.rglob("*.warc.gz")),
            "wacz": sum(p.stat().st_size for p in data.rglob("*.wacz")),
            "catalogue": sum(p.stat().st_size for p in data.glob("catalogue.sqlite*")),
        }

    def command(self, counter: QueryCounter, args: list[str]) -> dict[str, float]:
        with counter.measure() as m:
            result = CliRunner().invoke(cli, ["--config", str(self.cfg), *args])
        if result.exit_code not in (0, 1):  # status exits 1 for a failing source; none here
            raise SystemExit(f"`takedowns {' '.join(args)}` failed: {result.output}")
        return m


def measure_point(grower: Grower, counter: QueryCounter, sample: int, out_dir: Path) -> dict[str, float]:
    """Ingest `sample` new reports, then time the curator commands, at the current size."""
    with counter.measure() as ingest:
        grower.grow(grower.size + sample)
    with counter.measure() as one:
        grower.grow(grower.size + 1)
    full_verify = grower.command(counter, ["archive", "verify", "--all"])  # also records every file as verified
    grower.grow(grower.size + 1)
    new_verify = grower.command(counter, ["archive", "verify"])  # only the new report's files (and the WARC it grew)
    listing = grower.command(counter, ["stubs", "list"])
    xlsx = grower.command(counter, ["stubs", "export", "--format", "xlsx", "-o", str(out_dir)])
    status = grower.command(counter, ["status"])
    return {
        "size": grower.size,
        "per_report_s": ingest["seconds"] / sample,
        "queries_per_report": ingest["queries"] / sample,
        "fetch_one_queries": one["queries"],
        "list_s": listing["seconds"],
        "list_queries": listing["queries"],
        "xlsx_s": xlsx["seconds"],
        "xlsx_queries": xlsx["queries"],
        "status_queries": status["queries"],
        "verify_all_s": full_verify["seconds"],
        "verify_new_s": new_verify["seconds"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=200, help="new reports timed at each point")
    ap.add_argument("--quick", action="store_true", help="1,200 reports, base 300, sample 100")
    args = ap.parse_args()
    if args.quick:
        args.reports, args.base, args.sample = 1_200, 300, 100
    if not 0 < args.base < args.reports:
        raise SystemExit("error: need 0 < --base < --reports")
    site = ReportSite()
    counter = QueryCounter()
    with tempfile.TemporaryDirectory() as tmp:
        grower = Grower(Path(tmp), site)
        t0 = time.perf_counter()
        grower.grow(args.base - args.sample)
        small = measure_point(grower, counter, args.sample, Path(tmp) / "export")
        grower.grow(args.reports - args.sample)
        large = measure_point(grower, counter, args.sample, Path(tmp) / "export")
        total = time.perf_counter() - t0
        stored = grower.stored_bytes()
        reports = grower.size
        grower.catalogue.dispose()
    site.close()
    print(f"reports={reports} stubs~{reports // PER_STUB} sample={args.sample} total run {total:.0f}s")
    for point in (small, large):
        print(
            f"  at {point['size']:>6}: ingest {point['per_report_s'] * 1000:.1f} ms/report ({point['queries_per_report']:.1f} queries), "
            f"one fetch {point['fetch_one_queries']:.0f} queries, stubs list {point['list_s']:.2f}s ({point['list_queries']:.0f} queries), "
            f"xlsx export {point['xlsx_s']:.2f}s ({point['xlsx_queries']:.0f} queries), status {point['status_queries']:.0f} queries"
        )
    raw = site.raw_bytes
    kept = stored["warc"] + stored["wacz"]
    print(f"per-report ingestion cost at {large['size']} / at {small['size']}: {large['per_report_s'] / small['per_report_s']:.2f}  (goal <= 1.2)")
    for point in (small, large):
        print(f"  at {point['size']:>6}: archive verify --all {point['verify_all_s']:.2f}s, verify after one new report {point['verify_new_s']:.2f}s  (goal < 2 s)")
    print(f"stubs list time at {large['size']} / at {small['size']}: {large['list_s'] / small['list_s']:.2f}  (goal <= 2)")
    print(f"xlsx export time at {large['size']} / at {small['size']}: {large['xlsx_s'] / small['xlsx_s']:.2f}  (goal <= 2)")
    print(
        f"bytes stored per report / raw page bytes: {kept / raw:.3f} (WARC {stored['warc'] / raw:.3f} + WACZ {stored['wacz'] / raw:.3f}); "
        f"with the catalogue {(kept + stored['catalogue']) / raw:.3f}  (goal < 0.62)"
    )


if __name__ == "__main__":
    main()
