"""Several writers: 100 concurrent `takedowns fetch` processes beside the daemon on one data folder.

The daemon polls a loopback newsroom of 50 reports while 100 `fetch` processes (two
per report) start at once. Then prints: failed processes (goal 0), contents captured
more than once, stub ids or report references used twice, and `archive verify --all`.
Runs on SQLite, or on PostgreSQL with `--pg URL` (an empty database you can drop).
Wayback is off: nothing leaves the machine.

    python bench/concurrency.py [--fetchers 100] [--pages 50] [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench._servers import Publisher  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
TAKEDOWNS = [sys.executable, "-m", "scraper"]


def write_config(folder: Path, feed_url: str, pages: int, catalogue: str | None) -> Path:
    cfg = folder / "config.toml"
    cfg.write_text(
        '[data]\ndir = "data"\n'
        + (f"[catalogue]\nurl = {json.dumps(catalogue)}\n" if catalogue else "")
        + "[http]\nallow_private_networks = true\nper_host_delay = 0.0\n"
        "[archive.wayback]\nenabled = false\n"  # never the internet
        "[daemon]\ngrace_seconds = 5.0\njitter_seconds = 0.0\n"
        f'[sources.newsroom]\nkind = "feed"\nurl = "{feed_url}"\norg = "Meta"\nschedule = "1h"\nmax_items ='
        f" {pages + 10}\n"
    )
    return cfg


def rows(catalogue: str, sql: str) -> list[tuple]:
    engine = create_engine(catalogue)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--fetchers", type=int, default=100)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--pg", help="an empty PostgreSQL database (postgresql+psycopg://user:pw@host:port/db)")
    args = parser.parse_args()
    site = Publisher(args.pages)
    urls = [f"{site.base}/r/{n}.html" for n in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cfg = write_config(folder, f"{site.base}/feed.xml", args.pages, args.pg)
        catalogue = args.pg or f"sqlite:///{folder / 'data' / 'catalogue.sqlite'}"
        t0 = time.monotonic()
        daemon = subprocess.Popen(
            [*TAKEDOWNS, "--config", str(cfg), "run"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=folder,
            env=ENV,
        )
        fetchers = [
            (
                url,
                subprocess.Popen(
                    [*TAKEDOWNS, "--config", str(cfg), "fetch", "--json", url],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    cwd=folder,
                    env=ENV,
                ),
            )
            for url in (urls[i % len(urls)] for i in range(args.fetchers))
        ]
        errors: list[tuple[str, int, str]] = []
        for url, p in fetchers:
            err = p.communicate()[1].strip()
            if p.returncode:
                errors.append((url, p.returncode, err.splitlines()[-1] if err else ""))
        while not rows(catalogue, "SELECT id FROM source_runs WHERE outcome <> 'running'"):
            if daemon.poll() is not None:
                break
            time.sleep(0.2)
        daemon.send_signal(signal.SIGTERM)
        daemon_err = daemon.communicate(timeout=60)[1]
        elapsed = time.monotonic() - t0
        runs = rows(catalogue, "SELECT outcome, message FROM source_runs")
        captures = rows(catalogue, "SELECT url, payload_sha256 FROM captures")
        stub_ids = [r[0] for r in rows(catalogue, "SELECT stub_id FROM stubs")]
        refs = [r[0] for r in rows(catalogue, "SELECT normalised_url FROM stub_references")]
        verify = subprocess.run(
            [*TAKEDOWNS, "--config", str(cfg), "archive", "verify", "--all", "--json"],
            capture_output=True,
            text=True,
            cwd=folder,
            env=ENV,
        )
        leftovers = list((folder / "data" / "wacz").rglob(".wacz-*"))
    site.close()
    twice = [k for k, n in Counter(captures).items() if n > 1]
    print(
        f"back-end: {'PostgreSQL' if args.pg else 'SQLite'}; {args.fetchers} fetch processes beside the daemon,"
        f" {args.pages} report pages, {elapsed:.1f}s"
    )
    print(f"failed fetch processes: {len(errors)} of {args.fetchers}")
    for url, code, line in errors[:5]:
        print(f"  exit {code} {url}: {line[:200]}")
    print(
        f"daemon: exit {daemon.returncode}; runs {dict(Counter(o for o, _ in runs))}"
        + (f"; stderr tail: {daemon_err.strip().splitlines()[-1][:200]}" if daemon.returncode else "")
    )
    print(f"URLs captured: {len({u for u, _ in captures})}/{args.pages}; contents captured twice: {len(twice)}")
    print(
        f"stubs: {len(stub_ids)}; stub ids used twice: {len(stub_ids) - len(set(stub_ids))}; report references used"
        f" twice: {len(refs) - len(set(refs))}"
    )
    try:
        report = json.loads(verify.stdout)
        print(
            f"archive verify --all: exit {verify.returncode}, {len(report['checked'])} file(s),"
            f" {len(report['problems'])} problem(s)"
        )
    except ValueError:
        print(f"archive verify --all: exit {verify.returncode} {verify.stderr.strip()[:300]}")
    print(f".wacz-* temp folders left: {len(leftovers)}")


if __name__ == "__main__":
    main()
