"""Crash safety: SIGKILL the daemon at random points of a 300-page poll, 50 times, then finish.

One data folder is polled without interruption; a second is polled by a daemon
killed with SIGKILL at a random moment of each of 50 runs, then run once to the
end. The benchmark prints, for the killed folder: URLs captured exactly once,
duplicated or missing; whether its stubs equal the uninterrupted run's; `.wacz-*`
temp folders left; and the exit code of `archive verify --all`.
Everything is on loopback with Wayback off.

    python bench/kill_cycles.py [--pages 300] [--cycles 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._servers import Publisher  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
TAKEDOWNS = [sys.executable, "-m", "scraper"]


def write_config(folder: Path, feed_url: str, pages: int) -> Path:
    folder.mkdir(parents=True)
    cfg = folder / "config.toml"
    cfg.write_text(
        '[data]\ndir = "data"\n'
        "[http]\nallow_private_networks = true\nper_host_delay = 0.0\nretry_initial_wait = 0.05\nretry_max_wait = 0.2\n"
        "[archive.wayback]\nenabled = false\n"  # never the internet
        "[daemon]\ngrace_seconds = 2.0\njitter_seconds = 0.0\n"
        f'[sources.newsroom]\nkind = "feed"\nurl = "{feed_url}"\norg = "Meta"\nschedule = "1h"\nmax_items ='
        f" {pages + 10}\n"
    )
    return cfg


def daemon(cfg: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*TAKEDOWNS, "--config", str(cfg), "run", "--once"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cfg.parent,
        env=ENV,
    )


def query(cfg: Path, sql: str) -> list[tuple]:
    path = cfg.parent / "data" / "catalogue.sqlite"
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        con.close()


def stubs(cfg: Path) -> list[tuple]:
    """Every stub's content keyed by its references (ids and timestamps left out)."""
    refs: dict[int, list[str]] = {}
    for pk, url in query(cfg, "SELECT stub_pk, normalised_url FROM stub_references"):
        refs.setdefault(pk, []).append(url)
    rows = query(
        cfg,
        "SELECT id, status, name, summary, year_started, platform, origin, targets, counts, found_via, first_pub_date"
        " FROM stubs",
    )
    return sorted((tuple(sorted(refs.get(r[0], []))), *r[1:]) for r in rows)


def verify_summary(proc: subprocess.CompletedProcess[str]) -> str:
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return proc.stderr.strip()[:300]
    return (
        f"{len(report['checked'])} file(s) checked, {len(report['problems'])} problem(s)"
        f" {json.dumps(report['problems'])[:300]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    site = Publisher(args.pages)
    feed_url = f"{site.base}/feed.xml"
    urls = [f"{site.base}/r/{n}.html" for n in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        clean = write_config(Path(tmp) / "clean", feed_url, args.pages)
        t0 = time.monotonic()
        assert daemon(clean).wait() == 0, "the uninterrupted run failed"
        full_run = time.monotonic() - t0

        killed = write_config(Path(tmp) / "killed", feed_url, args.pages)
        landed = finished_early = 0
        for _ in range(args.cycles):
            proc = daemon(killed)
            # wait for this process's run to start, then kill it at a random point of the poll:
            # over all cycles the random slices add up to about twice an uninterrupted run
            while proc.poll() is None and not query(
                killed, f"SELECT id FROM source_runs WHERE outcome = 'running' AND pid = {proc.pid}"
            ):
                time.sleep(0.02)
            try:
                proc.wait(rng.uniform(0.0, 2 * full_run / args.cycles))
                finished_early += 1
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                landed += 1
        assert daemon(killed).wait() == 0, "the final run after the kills failed"

        by_url = Counter(url for (url,) in query(killed, "SELECT url FROM captures"))
        once = sum(by_url[u] == 1 for u in urls)
        duplicated = sum(by_url[u] > 1 for u in urls)
        missing = sum(by_url[u] == 0 for u in urls)
        expected, got = stubs(clean), stubs(killed)
        temp_left = [p.name for p in (killed.parent / "data").rglob(".wacz-*")]
        verify = subprocess.run(
            [*TAKEDOWNS, "--config", str(killed), "archive", "verify", "--all", "--json"],
            capture_output=True,
            text=True,
            cwd=killed.parent,
            env=ENV,
        )
        interrupted = Counter(o for (o,) in query(killed, "SELECT outcome FROM source_runs"))
    site.close()
    print(f"pages={args.pages} cycles={args.cycles} uninterrupted run {full_run:.1f}s")
    print(
        f"kills landed during a run: {landed}; runs that finished before their kill: {finished_early}; run outcomes:"
        f" {dict(interrupted)}"
    )
    print(f"URLs captured exactly once: {once}/{len(urls)}  duplicated: {duplicated}  missing: {missing}")
    print(
        f"stubs: {len(got)} after kills, {len(expected)} uninterrupted; identical: {got == expected}"
        + ("" if got == expected else f" ({len(set(got) ^ set(expected))} differ)")
    )
    print(f".wacz-* temp folders left: {len(temp_left)}")
    print(f"archive verify --all: exit {verify.returncode} {verify_summary(verify)}")


if __name__ == "__main__":
    main()
