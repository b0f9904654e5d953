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
- bytes stored per report (WARC + any WACZ kept + catalogue) / raw page bytes; WACZs are built on demand, so none are kept
- adding a reference to a stub citing 300 reports / to one citing 3 (time, SQL
  statements, parameter bytes written): a large cluster must cost what a small one does

    python bench/scale.py                 # 20,000 reports (long: run it on an idle machine)
    python bench/scale.py --quick         # 1,200 reports, base 300, for CI
    python bench/scale.py --reports 3000 --base 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from archive.catalogue import Catalogue  # noqa: E402
from archive.querycount import counting  # noqa: E402
from archive.tables import Capture, ReportRow  # noqa: E402
from archive.warc import WarcStore  # noqa: E402
from scraper.cli import cli  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402
from scraper.extract.report import Network, Report  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.pipeline import capture_url  # noqa: E402
from scraper.stubs import store as stub_store  # noqa: E402

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


def _param_bytes(value: object) -> int:
    """Bytes of bound parameters (a number or NULL counts 8)."""
    if isinstance(value, (list, tuple)):
        return sum(_param_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_param_bytes(v) for v in value.values())
    if value is None or isinstance(value, (int, float)):
        return 8
    return len(value if isinstance(value, bytes) else str(value).encode())


class QueryCounter:
    """SQL statements sent in this process (archive.querycount: SQLAlchemy's and quickread's plain SQL)
    and the bytes of SQLAlchemy's statement parameters (what a write sends)."""

    def __init__(self) -> None:
        self.param_bytes = 0
        event.listen(Engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: object, _cursor: object, _statement: str, parameters: object, *args: object) -> None:
        self.param_bytes += _param_bytes(parameters)

    @contextlib.contextmanager
    def measure(self) -> Iterator[dict[str, float]]:
        out: dict[str, float] = {}
        sent, t0 = self.param_bytes, time.perf_counter()
        with counting() as statements:
            yield out
        out["seconds"], out["queries"] = time.perf_counter() - t0, len(statements)
        out["bytes"] = self.param_bytes - sent


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


def cluster_report(cluster: int, i: int) -> Report:
    """Report `i` of takedown `cluster`: clusters never match each other (their counts differ)."""
    return Report(
        url=f"https://example.org/c{cluster:03d}/{i:04d}", final_url=f"https://example.org/c{cluster:03d}/{i:04d}", title=f"Retelling {i:04d}",
        platform="Meta", pub_date=date(2021, 3, 1) + timedelta(days=i % 5), text="Active since 2019.",
        networks=[Network(origin=["Iran"], counts={"facebook_accounts": 1000 + cluster},
                          evidence=[f"Retelling {i:04d}: we removed {1000 + cluster} Facebook accounts."])],
    )


def _catalogue_report(catalogue: Catalogue, report: Report) -> int:
    """A capture and its extracted report, as the pipeline leaves them before the stub stage."""
    now = datetime.now()
    with catalogue.session() as s:
        capture = Capture(
            url=report.url, final_url=report.final_url, fetched_at=now, status=200, content_type="text/html", payload_sha256=report.url[-64:],
            payload_length=1, warc_path="x.warc.gz", warc_offset=0, warc_length=1, warc_record_id=f"<{report.url}>",
            warc_date="2026-01-01T00:00:00Z", redirects=[], last_seen_at=now,
        )
        s.add(capture)
        s.flush()
        s.add(ReportRow(capture_id=capture.id, url=report.url, extractor_version="bench", extracted_at=now, data=report.to_dict()))
        return capture.id


def add_reference_cost(tmp: Path, counter: QueryCounter, rounds: int = 40) -> dict[str, dict[str, float]]:
    """Adding one reference (the stub stage's merge) to a stub citing 300 reports vs to one citing 3.

    One big cluster and `rounds` small ones share a catalogue; additions alternate
    (the 3rd reference of small cluster k, then the next reference of the big one),
    so the two sides see the same machine load. Times are medians (a commit's fsync
    on a shared disk is noisy); statements and bytes are per addition.
    """
    cfg = tmp / "clusters.toml"
    cfg.write_text('[data]\ndir = "clusters"\n')
    config = load_config(str(cfg))
    catalogue = Catalogue(config.catalogue_url)

    def add(cluster: int, i: int) -> None:
        outcome = stub_store.update_stubs_for_report(config, catalogue, _catalogue_report(catalogue, cluster_report(cluster, i)))
        assert outcome.action in ("created", "merged"), outcome

    for i in range(299):
        add(0, i)
    for k in range(1, rounds + 1):
        add(k, 0)
        add(k, 1)
    samples: dict[str, list[dict[str, float]]] = {"small": [], "big": []}
    for k in range(1, rounds + 1):
        for side, cluster, i in (("small", k, 2), ("big", 0, 298 + k)):
            cpu = time.process_time()
            with counter.measure() as m:
                add(cluster, i)
            m["cpu"] = time.process_time() - cpu
            samples[side].append(m)
    catalogue.dispose()
    return {side: {key: statistics.median(m[key] for m in rows) for key in rows[0]} for side, rows in samples.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=200, help="new reports timed at each point")
    ap.add_argument("--quick", action="store_true", help="1,200 reports, base 300, sample 100")
    ap.add_argument("--clusters-only", action="store_true", help="only the add-reference cost at 300 refs / at 3 refs")
    args = ap.parse_args()
    if args.clusters_only:
        with tempfile.TemporaryDirectory() as tmp:
            print_cluster_cost(add_reference_cost(Path(tmp), QueryCounter()))
        return
    if args.quick:
        args.reports, args.base, args.sample = 1_200, 300, 100
    if not 0 < args.base < args.reports:
        raise SystemExit("error: need 0 < --base < --reports")
    site = ReportSite()
    counter = QueryCounter()
    with tempfile.TemporaryDirectory() as tmp:
        clusters = add_reference_cost(Path(tmp), counter)
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
    print_cluster_cost(clusters)


def print_cluster_cost(cost: dict[str, dict[str, float]]) -> None:
    small, big = cost["small"], cost["big"]
    print(
        f"add-reference cost at 300 refs / at 3 refs: {big['seconds'] / small['seconds']:.2f}  (goal <= 1.2; "
        f"median {big['seconds'] * 1000:.1f} vs {small['seconds'] * 1000:.1f} ms, CPU {big['cpu'] * 1000:.1f} vs {small['cpu'] * 1000:.1f} ms, "
        f"{big['queries']:.0f} vs {small['queries']:.0f} statements, "
        f"{big['bytes']:.0f} vs {small['bytes']:.0f} parameter bytes)"
    )


if __name__ == "__main__":
    main()
