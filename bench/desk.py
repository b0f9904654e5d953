"""Review desk at scale: server time of its pages with 5,000 stubs / 20,000 reports against 50 / 200.

Each catalogue starts from real rows (four loopback report pages through the whole
pipeline), cloned in bulk: four reports per stub, a mix of statuses, origins, targets and
dates (every odd stub also names Iran, the filtered country), and one stub citing
200 reports. The desk shows 20 stubs a page, so every queue page measured is full at
both sizes. The desk app runs in-process (Starlette's test client, no network); each
page is requested 11 times per size, small and large interleaved, and the median kept.
Prints per page: milliseconds at both sizes, their ratio (goal <= 2) and the SQL
statements each page sent at both sizes (equal: no query per row).

    python bench/desk.py [--stubs 5000] [--small 50] [--repeat 11]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from archive.catalogue import Catalogue  # noqa: E402
from archive.tables import Capture, ReportRow, Stub, StubChange, StubReference  # noqa: E402
from bench._servers import COUNTRIES, Publisher  # noqa: E402
from bench.querycount import counting  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.pipeline.chain import process_url  # noqa: E402
from scraper.stubs import countries  # noqa: E402
from scraper.web.app import create_app  # noqa: E402
from scraper.web.settings import web_settings  # noqa: E402

REPORTS_PER_STUB = 4
BIG_CLUSTER = 200
STATUSES = ["new"] * 8 + ["accepted", "rejected"]
PAGE_SIZE = 20  # a ratio against a part-empty page would measure rows, not scale

PAGES = {
    "queue (first page)": "/queue",
    "queue (origin filter)": "/queue?status=&origin=Iran",
    "queue (search)": "/queue?status=&q=network",
    "queue (target filter)": "/queue?status=&target=Russia",
    "queue (new, by published)": "/queue?sort=published",
    "queue (all, newest published)": "/queue?status=&sort=-published",
    "queue (new, by platform)": "/queue?sort=platform",
    "queue (counts disagree)": "/queue?status=&disagree=1",
    "stub (200 references)": "/stubs/TB-00000",
    "stub (4 references)": "/stubs/TB-00003",
    "sources": "/sources",
}


def first_row(s: Session, model: type) -> dict:
    """The oldest row of `model`'s table as plain column values (every column, deferred ones too)."""
    table = model.__table__  # type: ignore[attr-defined]
    row = s.execute(select(table).order_by(table.c.id).limit(1)).mappings().first()
    assert row is not None, table.name
    return {key: value for key, value in row.items() if key != "id"}


def build(folder: Path, site: Publisher, stubs: int, big_cluster: int = BIG_CLUSTER) -> Path:
    """A catalogue with `stubs` stubs citing REPORTS_PER_STUB reports each (TB-00000 cites `big_cluster`)."""
    folder.mkdir(parents=True)
    cfg = folder / "config.toml"
    cfg.write_text(
        '[data]\ndir = "data"\n[http]\nallow_private_networks = true\nper_host_delay = 0.0\n[archive.wayback]\nenabled'
        " = false\n"
        f"[web]\npage_size = {PAGE_SIZE}\n"
    )
    config = load_config(str(cfg))
    for n in range(4):  # pages 0-2 retell one takedown, page 3 another: real rows to clone
        process_url(config, f"{site.base}/r/{n}.html", archive_wait=0)
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    with catalogue.session() as s:
        base_capture, base_report, base_stub, base_ref, base_change = (
            first_row(s, m) for m in (Capture, ReportRow, Stub, StubReference, StubChange)
        )
    captures, reports, stub_rows, refs, changes = [], [], [], [], []
    next_capture = 1000
    for i in range(stubs):
        country = COUNTRIES[i % len(COUNTRIES)]
        day = (base_stub["created_at"] - timedelta(days=i % 900)).date().isoformat()
        stub_rows.append(
            {
                **base_stub,
                "id": 1000 + i,
                "stub_id": f"TB-{i:05d}",
                "status": STATUSES[i % len(STATUSES)],
                "name": f"Network {i} from {country}",
                "origin": [country] + ([COUNTRIES[0]] if i % 2 and country != COUNTRIES[0] else []),
                "first_pub_date": day,
                "targets": [COUNTRIES[(i + 1) % len(COUNTRIES)]],
                "counts_disagree": i % 3 == 0,
                "disarm_id": None,
                "merged_into": None,
            }
        )
        changes.append({**base_change, "stub_pk": 1000 + i})
        for j in range(big_cluster if i == 0 else REPORTS_PER_STUB):
            url = f"{site.base}/clone/{i}/{j}.html"
            captures.append({**base_capture, "id": next_capture, "url": url, "final_url": url})
            data = {
                **base_report["data"],
                "url": url,
                "final_url": url,
                "title": f"Report {j} on network {i} from {country}",
            }
            reports.append({**base_report, "capture_id": next_capture, "url": url, "data": data})
            refs.append(
                {
                    **base_ref,
                    "stub_pk": 1000 + i,
                    "url": url,
                    "normalised_url": url,
                    "capture_id": next_capture,
                    "title": data["title"],
                    "merged_from": None,
                }
            )
            next_capture += 1
    with catalogue.session() as s:
        for table, rows in (
            (Capture, captures),
            (ReportRow, reports),
            (Stub, stub_rows),
            (StubReference, refs),
            (StubChange, changes),
        ):
            for start in range(0, len(rows), 2000):
                s.execute(insert(table), rows[start : start + 2000])
        countries.rebuild(s.connection())  # bulk inserts skip the ORM hook that keeps stub_countries in step
    catalogue.dispose()
    return cfg


def measure(cfg: Path, pages: dict[str, str], repeat: int = 7) -> dict[str, tuple[float, int]]:
    """Median milliseconds and SQL statements (of the last request) of each page."""
    return measure_together([cfg], pages, repeat)[0]


def measure_together(cfgs: list[Path], pages: dict[str, str], repeat: int = 7) -> list[dict[str, tuple[float, int]]]:
    """`measure` for several catalogues at once, their requests interleaved (the order turning
    each round), so that a busy machine slows every size alike instead of whichever ran last."""
    clients = []
    with contextlib.ExitStack() as stack:
        for cfg in cfgs:
            config = load_config(str(cfg))
            app = create_app(config, web_settings(config), token=None)
            clients.append(stack.enter_context(TestClient(app, base_url="http://127.0.0.1")))
        out: list[dict[str, tuple[float, int]]] = [{} for _ in cfgs]
        for name, path in pages.items():
            times: list[list[float]] = [[] for _ in cfgs]
            sent = [0] * len(cfgs)
            for client in clients:
                assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled
            for round_ in range(repeat):
                order = list(range(len(cfgs)))
                for i in order[round_ % len(order) :] + order[: round_ % len(order)]:
                    with counting() as statements:
                        t0 = time.perf_counter()
                        response = clients[i].get(path)
                        times[i].append(time.perf_counter() - t0)
                    assert response.status_code == 200, (path, response.status_code)
                    sent[i] = len(statements)
            for i in range(len(cfgs)):
                out[i][name] = (statistics.median(times[i]) * 1000, sent[i])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stubs", type=int, default=5000)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=11, help="requests per page and size (the median is kept)")
    args = parser.parse_args()
    site = Publisher(4)
    pages = PAGES
    with tempfile.TemporaryDirectory() as tmp:
        small, large = measure_together(
            [build(Path(tmp) / "small", site, args.small), build(Path(tmp) / "large", site, args.stubs)],
            pages,
            args.repeat,
        )
    site.close()
    print(
        f"desk pages: {args.stubs} stubs / {args.stubs * REPORTS_PER_STUB} reports against {args.small} /"
        f" {args.small * REPORTS_PER_STUB}"
    )
    worst = 0.0
    for name in pages:
        (ms_small, q_small), (ms_large, q_large) = small[name], large[name]
        ratio = ms_large / ms_small
        worst = max(worst, ratio)
        print(
            f"{name:32s} {ms_small:7.1f} ms -> {ms_large:7.1f} ms  ratio {ratio:5.2f}  queries {q_small} -> {q_large}"
        )
    print(f"worst ratio: {worst:.2f}  (goal <= 2)")


if __name__ == "__main__":
    main()
