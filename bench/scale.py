"""Flat cost as the archive grows: a catalogue grown through the real ingestion path.

Serves takedown report pages on 127.0.0.1 (four reports per takedown, so
`reports / 4` stubs, spread over ten years, several platforms and origins) and
feeds them one by one through `capture_url` (fetch, WARC, catalogue, extract,
WACZ, stubs, Atom feed) with the Wayback Machine disabled. The catalogue is copied
at `--base` reports (1k) and grown on to `--reports` (20k); the two are then measured
side by side (the same new pages captured by both alternately, commands run on both
alternately), so a load that changes over the run hits both sides alike:

- per-report ingestion cost (mean over `--sample` new reports; median and CPU beside): goal at N / at 1k <= 1.2
- `stubs list` and `stubs export --format xlsx` wall time: goal at N / at 1k <= 2 (the whole export grows
  with the stubs it writes; `--since` the new pages exports what they changed)
- SQL statements per command (SQLAlchemy events), which must not grow with N
- `status`, `stubs list` and a one-report `fetch` in fresh processes at both sizes
- `archive verify` after one new report (incremental; goal < 2 s) and `--all` (parallel)
- bytes stored per report (WARC + any WACZ kept + catalogue) / raw page bytes; WACZs are built
  on demand, so none are kept
- adding a reference to a stub citing 300 reports / to one citing 3 (time, SQL
  statements, parameter bytes written): a large cluster must cost what a small one does

    python bench/scale.py                 # 20,000 reports (long: run it on an idle machine)
    python bench/scale.py --quick         # 3,000 reports, base 1,000
    python bench/scale.py --reports 3000 --base 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
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
from archive.clock import utcnow  # noqa: E402
from archive.tables import Capture, ReportRow  # noqa: E402
from archive.warc import WarcStore  # noqa: E402
from bench.querycount import counting  # noqa: E402
from scraper.cli import cli  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402
from scraper.extract.report import Network, Report  # noqa: E402
from scraper.fetch.client import HttpClient  # noqa: E402
from scraper.pipeline.chain import capture_url  # noqa: E402
from scraper.stubs import store as stub_store  # noqa: E402

PER_STUB = 4
PLATFORMS = [
    ("Meta", "Facebook accounts", "Pages"),
    ("Google", "YouTube channels", "Blogger blogs"),
    ("TikTok", "TikTok accounts", "TikTok accounts"),
]
COUNTRIES = [
    "Iran",
    "Russia",
    "China",
    "Egypt",
    "Nigeria",
    "Mexico",
    "Brazil",
    "India",
    "Pakistan",
    "Turkey",
    "Israel",
    "Ukraine",
    "Georgia",
    "Romania",
    "Poland",
    "Kenya",
    "Ghana",
    "Peru",
    "Chile",
    "Spain",
    "France",
    "Vietnam",
    "Thailand",
    "Indonesia",
    "Malaysia",
]
WORDS = (
    "network accounts operators posted content audiences pages groups fake personas news commentary "
    "elections government opposition military campaign investigation researchers behaviour policy "
    "linked individuals websites engagement followers comments advertising activity identified removed"
).split()
START = date(2016, 1, 1)
PAGES_FILE = "pages.json"  # in a --keep folder: the next page neither catalogue has captured
STARTUP_SCRIPT = "import sys; from scraper.cli import main; sys.exit(main())"  # what the `takedowns` entry point runs


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
        f"<html><head><title>Takedown {cluster} report {i}: {origin}</title>"
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
    """SQL statements sent in this process (bench.querycount: SQLAlchemy's and quickread's plain SQL)
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
    """One catalogue (its own folder: config.toml, data/) grown through `capture_url`."""

    def __init__(self, root: Path, site: ReportSite, size: int = 0, *, search_index: bool = False):
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.cfg = root / "config.toml"
        if not self.cfg.exists():
            self.cfg.write_text(
                '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay ='
                " 0.0\n[archive.wayback]\nenabled = false\n"
            )
        self.config = load_config(str(self.cfg))
        self.catalogue = Catalogue(self.config.catalogue_url, migrate=True)
        if search_index:  # the desk's full-text index, kept by triggers on every report (as with [web] enabled)
            from scraper.web.search import prepare

            prepare(self.catalogue.engine)
        self.store = WarcStore(self.config.data_dir, self.catalogue, self.config.warc_max_file_bytes)
        self.site = site
        self.size = size
        self.last_output = ""  # stdout of the last `command`
        self.search_index = search_index

    async def _ingest(self, upto: int) -> None:
        async with HttpClient(self.config.http) as client:
            while self.size < upto:
                await self.capture(client, self.size)
                self.size += 1
                if self.size % 1000 == 0:
                    print(
                        f"  [{time.strftime('%H:%M:%S')}] {self.root.name}: {self.size} reports",
                        file=sys.stderr,
                        flush=True,
                    )

    async def capture(self, client: HttpClient, page: int) -> None:
        await capture_url(
            self.config, self.catalogue, client, self.site.url(page), store=self.store, source_name="bench"
        )

    async def _ingest_page(self, page: int) -> None:
        async with HttpClient(self.config.http) as client:
            await self.capture(client, page)
        self.size += 1

    def ingest_page(self, page: int) -> None:
        asyncio.run(self._ingest_page(page))

    def grow(self, upto: int) -> None:
        asyncio.run(self._ingest(upto))

    def clone(self, root: Path) -> Grower:
        """A copy of this catalogue and its files, as it is now (the small side of every ratio)."""
        self.catalogue.dispose()  # checkpoints SQLite's WAL into the file copied
        shutil.copytree(self.root, root)
        return Grower(root, self.site, self.size, search_index=self.search_index)

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
        self.last_output = result.stdout
        if result.exit_code not in (0, 1):  # status exits 1 for a failing source; none here
            raise SystemExit(f"`takedowns {' '.join(args)}` failed: {result.output}")
        return m


def _pairs(rounds: int) -> Iterator[tuple[int, int]]:
    """(first, second) side indexes, turning each round, so both sides see the same machine load."""
    for n in range(rounds):
        yield (0, 1) if n % 2 == 0 else (1, 0)


async def _ingest_interleaved(
    sides: tuple[Grower, Grower], counter: QueryCounter, pages: list[int]
) -> list[list[dict[str, float]]]:
    """Each page captured by both catalogues in turn, timed one by one (wall, CPU, statements)."""
    samples: list[list[dict[str, float]]] = [[], []]
    async with HttpClient(sides[0].config.http) as c0, HttpClient(sides[1].config.http) as c1:
        clients = (c0, c1)
        for page, order in zip(pages, _pairs(len(pages)), strict=True):
            for side in order:
                cpu = time.process_time()
                with counter.measure() as m:
                    await sides[side].capture(clients[side], page)
                m["cpu"] = time.process_time() - cpu
                sides[side].size += 1
                samples[side].append(m)
    return samples


def ingest_cost(
    sides: tuple[Grower, Grower], counter: QueryCounter, pages: Iterator[int], sample: int
) -> list[dict[str, float]]:
    """Per-report cost on each side: the same `sample` new pages, alternately, so load hits both alike."""
    warm = next(pages)
    for grower in sides:  # a first report on each side after the growth (robots.txt, warm caches) is not timed
        grower.ingest_page(warm)
    samples = asyncio.run(_ingest_interleaved(sides, counter, [next(pages) for _ in range(sample)]))
    return [
        {
            "mean_s": statistics.fmean(m["seconds"] for m in rows),
            "median_s": statistics.median(m["seconds"] for m in rows),
            "cpu_s": statistics.fmean(m["cpu"] for m in rows),
            "queries": statistics.fmean(m["queries"] for m in rows),
            "max_queries": max(m["queries"] for m in rows),
        }
        for rows in samples
    ]


def command_cost(
    sides: tuple[Grower, Grower], counter: QueryCounter, args: list[str], repeat: int
) -> list[dict[str, float]]:
    """Median wall time of `repeat` runs of one command on each side, alternately; statements of the last run.

    One untimed run on each side first: the first run in this process pays the command's
    lazy imports (openpyxl...), which would otherwise count on one side only.
    """
    for grower in sides:
        grower.command(counter, args)
    runs: list[list[dict[str, float]]] = [[], []]
    for order in _pairs(repeat):
        for side in order:
            runs[side].append(sides[side].command(counter, args))
    return [{"seconds": statistics.median(m["seconds"] for m in rows), "queries": rows[-1]["queries"]} for rows in runs]


def fresh_process_cost(
    sides: tuple[Grower, Grower], commands: list[tuple[str, list[str]]], repeat: int, pages: Iterator[int]
) -> dict[str, list[float]]:
    """Median wall seconds of each command in a new interpreter (as the `takedowns` script starts), alternately."""
    out: dict[str, list[float]] = {}
    for label, args in commands:
        runs: list[list[float]] = [[], []]
        for order in _pairs(repeat):
            url = sides[0].site.url(next(pages))  # the same new page on both sides
            for side in order:
                runs[side].append(_fresh_run([*_fresh_argv(sides[side]), *[a.format(url=url) for a in args]]))
        out[label] = [statistics.median(r) for r in runs]
    return out


def cluster_report(cluster: int, i: int) -> Report:
    """Report `i` of takedown `cluster`: clusters never match each other (their counts differ)."""
    return Report(
        url=f"https://example.org/c{cluster:03d}/{i:04d}",
        final_url=f"https://example.org/c{cluster:03d}/{i:04d}",
        title=f"Retelling {i:04d}",
        platform="Meta",
        pub_date=date(2021, 3, 1) + timedelta(days=i % 5),
        text="Active since 2019.",
        networks=[
            Network(
                origin=["Iran"],
                counts={"facebook_accounts": 1000 + cluster},
                evidence=[f"Retelling {i:04d}: we removed {1000 + cluster} Facebook accounts."],
            )
        ],
    )


def _catalogue_report(catalogue: Catalogue, report: Report) -> int:
    """A capture and its extracted report, as the pipeline leaves them before the stub stage."""
    now = datetime.now()
    with catalogue.session() as s:
        capture = Capture(
            url=report.url,
            final_url=report.final_url,
            fetched_at=now,
            status=200,
            content_type="text/html",
            payload_sha256=report.url[-64:],
            payload_length=1,
            warc_path="x.warc.gz",
            warc_offset=0,
            warc_length=1,
            warc_record_id=f"<{report.url}>",
            warc_date="2026-01-01T00:00:00Z",
            redirects=[],
            last_seen_at=now,
        )
        s.add(capture)
        s.flush()
        s.add(
            ReportRow(
                capture_id=capture.id,
                url=report.url,
                extractor_version="bench",
                extracted_at=now,
                data=report.to_dict(),
            )
        )
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
    catalogue = Catalogue(config.catalogue_url, migrate=True)

    def add(cluster: int, i: int) -> None:
        outcome = stub_store.update_stubs_for_report(
            config, catalogue, _catalogue_report(catalogue, cluster_report(cluster, i))
        )
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


def verify_after_one_report(
    sides: tuple[Grower, Grower], counter: QueryCounter, pages: Iterator[int], repeat: int
) -> list[float]:
    """`archive verify` (what changed since the last one) right after one new report, median of `repeat`, per side:
    in-process, and in a fresh process as a user runs it (imports included)."""
    for grower in sides:
        grower.command(counter, ["archive", "verify"])  # catch up: everything before is recorded as verified
    runs: list[list[float]] = [[], [], [], []]
    for order in _pairs(repeat):
        page, other = next(pages), next(pages)  # the same new pages on both sides
        for side in order:
            sides[side].ingest_page(page)
            runs[side].append(sides[side].command(counter, ["archive", "verify"])["seconds"])
            sides[side].ingest_page(other)
            runs[2 + side].append(_fresh_run([*_fresh_argv(sides[side]), "archive", "verify"]))
    return [statistics.median(r) for r in runs]


def _fresh_argv(grower: Grower) -> list[str]:
    return [sys.executable, "-c", STARTUP_SCRIPT, "--config", str(grower.cfg)]


def _fresh_run(argv: list[str]) -> float:
    """Wall seconds of one command in a new interpreter; a failing command stops the bench."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # status exits 1 for a failing source; none here
        raise SystemExit(f"`takedowns {' '.join(argv[5:])}` failed: {done.stderr.strip()[-300:]}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=200, help="new reports timed on each side")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command per side (median)")
    ap.add_argument("--quick", action="store_true", help="3,000 reports, base 1,000, sample 100, repeat 3")
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="grow the two catalogues in this folder and leave them there; if it holds them from an earlier run,"
        " measure those again",
    )
    ap.add_argument(
        "--search-index",
        action="store_true",
        help="keep the review desk's full-text index too (SQLite FTS5 triggers, as a daemon with [web] enabled has)",
    )
    ap.add_argument("--clusters-only", action="store_true", help="only the add-reference cost at 300 refs / at 3 refs")
    args = ap.parse_args()
    if args.clusters_only:
        with tempfile.TemporaryDirectory() as tmp:
            print_cluster_cost(add_reference_cost(Path(tmp), QueryCounter()))
        return
    if args.quick:
        args.reports, args.base, args.sample, args.repeat = 3_000, 1_000, 100, 3
    if not 0 < args.base < args.reports:
        raise SystemExit("error: need 0 < --base < --reports")
    reuse = args.keep is not None and all(
        (args.keep / f"at-{n}" / "config.toml").is_file() for n in (args.base, args.reports)
    )
    if args.keep is not None and args.keep.exists() and not reuse:
        raise SystemExit(
            f"error: --keep {args.keep} exists without at-{args.base} and at-{args.reports} from an earlier run: give a"
            " new folder"
        )
    site = ReportSite()
    counter = QueryCounter()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        clusters = add_reference_cost(Path(tmp), counter)
        t0 = time.perf_counter()
        if reuse:
            small, large = (
                Grower(work / f"at-{n}", site, n, search_index=args.search_index) for n in (args.base, args.reports)
            )
            state = (
                json.loads((work / PAGES_FILE).read_text()) if (work / PAGES_FILE).exists() else {"next": 5_010_000}
            )  # beyond a first version's pages
            pages = itertools.count(state["next"])
        else:
            large = Grower(work / f"at-{args.reports}", site, search_index=args.search_index)
            large.grow(args.base)
            small = large.clone(work / f"at-{args.base}")
            large.grow(args.reports)
            pages = itertools.count(args.reports)  # pages neither side has seen: both sides capture the same ones
        grown = time.perf_counter() - t0
        sides = (small, large)
        verify_all = [
            grower.command(counter, ["archive", "verify", "--all"]) for grower in sides
        ]  # records every file as verified
        since = utcnow().isoformat(
            timespec="seconds"
        )  # the stubs changed from here on are those the same new pages touched
        ingest = ingest_cost(sides, counter, pages, args.sample)
        verify_new = verify_after_one_report(sides, counter, pages, args.repeat)
        listing = command_cost(sides, counter, ["stubs", "list"], args.repeat)
        xlsx = command_cost(
            sides,
            counter,
            ["stubs", "export", "--json", "--format", "xlsx", "-o", str(Path(tmp) / "export")],
            args.repeat,
        )
        exported = [json.loads(grower.last_output)["stubs"] for grower in sides]
        xlsx_since = command_cost(
            sides,
            counter,
            ["stubs", "export", "--json", "--format", "xlsx", "--since", since, "-o", str(Path(tmp) / "since")],
            args.repeat,
        )
        exported_since = [json.loads(grower.last_output)["stubs"] for grower in sides]
        status = command_cost(sides, counter, ["status"], args.repeat)
        fresh = fresh_process_cost(
            sides,
            [("status", ["status"]), ("stubs list", ["stubs", "list"]), ("fetch (one report)", ["fetch", "{url}"])],
            args.repeat,
            pages,
        )
        stored = large.stored_bytes()
        for grower in sides:
            grower.catalogue.dispose()
        if args.keep is not None:
            (work / PAGES_FILE).write_text(json.dumps({"next": next(pages)}))
    site.close()
    load = os.getloadavg()
    print(
        f"catalogues of {args.base} and {args.reports} reports (~{args.base // PER_STUB} and"
        f" ~{args.reports // PER_STUB} stubs), "
        f"{'reused from ' + str(work) if reuse else f'grown in {grown:.0f}s'}"
        f"{', with the full-text index' if args.search_index else ''}; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"ingestion, the same {args.sample} new pages on each side, alternately:")
    for size, m in zip((args.base, args.reports), ingest, strict=True):
        print(
            f"  at {size:>6}: mean {m['mean_s'] * 1000:.1f} ms, median {m['median_s'] * 1000:.1f} ms, CPU"
            f" {m['cpu_s'] * 1000:.1f} ms per report; "
            f"{m['queries']:.1f} statements per report (max {m['max_queries']:.0f})"
        )
    a, b = ingest
    print(
        f"per-report ingestion cost at {args.reports} / at {args.base}: {b['mean_s'] / a['mean_s']:.2f}  (goal <= 1.2;"
        f" medians {b['median_s'] / a['median_s']:.2f}, CPU {b['cpu_s'] / a['cpu_s']:.2f})"
    )
    for label, (x, y) in (("stubs list", listing), ("xlsx export", xlsx), ("status", status)):
        goal = "  (goal <= 2)" if label != "status" else ""
        print(
            f"{label} time at {args.reports} / at {args.base}: {y['seconds'] / x['seconds']:.2f}{goal}  "
            f"({y['seconds']:.3f} vs {x['seconds']:.3f} s in-process, median of {args.repeat}; {y['queries']:.0f} vs"
            f" {x['queries']:.0f} statements)"
        )
    x, y = xlsx
    print(
        f"  the export writes every open stub ({exported[1]} vs {exported[0]}): time per stub exported at"
        f" {args.reports} / at {args.base}: "
        f"{(y['seconds'] / exported[1]) / (x['seconds'] / exported[0]):.2f}"
    )
    x, y = xlsx_since
    print(
        f"xlsx export --since the new pages (the stubs they changed: {exported_since[1]} vs {exported_since[0]}) at"
        f" {args.reports} / at {args.base}: "
        f"{y['seconds'] / x['seconds']:.2f}  (goal <= 2; {y['seconds']:.3f} vs {x['seconds']:.3f} s; {y['queries']:.0f}"
        f" vs {x['queries']:.0f} statements)"
    )
    for label, (t_small, t_large) in fresh.items():
        print(
            f"{label} in a fresh process: {t_large:.2f} s at {args.reports} vs {t_small:.2f} s at {args.base} (median"
            f" of {args.repeat})"
        )
    for size, full, new, fresh_new in zip(
        (args.base, args.reports), verify_all, verify_new[:2], verify_new[2:], strict=True
    ):
        print(
            f"  at {size:>6}: archive verify --all {full['seconds']:.2f}s, verify after one new report {new:.2f}s"
            f" in-process, {fresh_new:.2f}s in a fresh process  (goal < 2 s)"
        )
    raw = site.raw_bytes
    kept = stored["warc"] + stored["wacz"]
    if not reuse:  # the pages served in this run are the catalogue's pages only when it was grown here
        print(
            f"bytes stored per report / raw page bytes: {kept / raw:.3f} (WARC {stored['warc'] / raw:.3f} + WACZ"
            f" {stored['wacz'] / raw:.3f}); "
            f"with the catalogue {(kept + stored['catalogue']) / raw:.3f}  (goal < 0.62)"
        )
    print_cluster_cost(clusters)
    if args.keep is not None:
        print(f"catalogues kept: {small.cfg} and {large.cfg}")


def print_cluster_cost(cost: dict[str, dict[str, float]]) -> None:
    small, big = cost["small"], cost["big"]
    print(
        f"add-reference cost at 300 refs / at 3 refs: {big['seconds'] / small['seconds']:.2f}  (goal <= 1.2; "
        f"median {big['seconds'] * 1000:.1f} vs {small['seconds'] * 1000:.1f} ms, CPU {big['cpu'] * 1000:.1f} vs"
        f" {small['cpu'] * 1000:.1f} ms, "
        f"{big['queries']:.0f} vs {small['queries']:.0f} statements, "
        f"{big['bytes']:.0f} vs {small['bytes']:.0f} parameter bytes)"
    )


if __name__ == "__main__":
    main()
