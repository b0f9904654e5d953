"""Workers on the shared queue: 400 pages over 40 loopback hosts answering after 200 ms, with 1, 2 and 4 workers.

Each run: a fresh PostgreSQL database (the catalogue and procrastinate's queue), N `takedowns
worker` processes with separate data folders, all listening before the 400 capture jobs are
queued; the makespan runs from queueing to the 400th finished job. The politeness bound is
what per-host pacing alone allows: a host answers each of its 10 pages after the latency and is
given back `delay` after each answer (scraper/fetch/shared_pacing.py), so no schedule beats
10 x latency + 9 x delay. Also printed, for docs/scaleout.md: CPU seconds, WARC bytes and
catalogue bytes per page.

Needs PostgreSQL: TAKEDOWNS_TEST_PG_URL (as the tests) or --pg-url.
Run: .venv/bin/python bench/scaleout.py [--delay 0.3] [--workers 1 2 4]
Ends with the line `4 workers / 1 worker: <ratio>`.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench._servers import page  # noqa: E402
from scraper.devserver import Answer, LoopbackServer, Request  # noqa: E402

HOSTS, PAGES, LATENCY = 40, 10, 0.2


class SlowSite(LoopbackServer):
    """One host: robots.txt at once, pages after LATENCY seconds (a distant publisher)."""

    def __init__(self, host: str) -> None:
        super().__init__(self.respond, host=host, name=f"scaleout-{host}")
        self.start()

    def respond(self, request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        time.sleep(LATENCY)
        n = int(request.path.rsplit("/", 1)[-1].split(".")[0])
        return Answer(200, page(self.host, n), {"Content-Type": "text/html; charset=utf-8"})


@dataclass
class Run:
    workers: int
    makespan: float  # queueing to the last job (a stub job)
    captured: float  # queueing to the last capture job
    cpu_seconds: float  # the workers' processes and their children (extraction processes)
    warc_bytes: int
    catalogue_bytes: int
    steps: dict[str, tuple[float, int, float | None]]  # summed over workers: wall seconds, calls, CPU seconds
    moto_cpu: float  # the S3 server's CPU seconds during the run
    machine_busy: float  # CPU seconds the whole machine spent (everyone's work) during the makespan


def _moto() -> tuple[subprocess.Popen, str, str]:
    """An S3-compatible server on 127.0.0.1 (moto, from the test extra) and a bucket on it: where each
    worker's WARCs go."""
    import boto3

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Running on" in line:
            break
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench-only", "AWS_SECRET_ACCESS_KEY": "bench-only"})
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="bench-warcs")
    return proc, endpoint, "bench-warcs"


S3: tuple[str, str] = ("", "")
MAX_FILE_BYTES = 65536  # [warc] max_file_bytes: a WARC uploaded every ~50 pages (--max-file-bytes)


def _config(folder: Path, pg: str, delay: float) -> Path:
    folder.mkdir(parents=True)
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(f"""
        [data]
        dir = "data"
        [catalogue]
        url = "{pg}"
        [storage]
        kind = "s3"
        endpoint = "{S3[0]}"
        bucket = "{S3[1]}"
        [warc]
        max_file_bytes = {MAX_FILE_BYTES}
        [http]
        allow_private_networks = true
        per_host_delay = {delay}
        global_concurrency = 64
        [archive.wayback]
        enabled = false
        """)
    )
    return path


def _database(base: str) -> tuple[str, str]:
    name = f"takedowns_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False), name


def _drop(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (and its waited-for children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds spent by every core, on anything but idling, since boot (/proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


STEP = "step time: "


def _steps(lines: list[str]) -> dict[str, tuple[float, int, float | None]]:
    """The workers' `step time:` lines (scraper/scaleout/jobs.py, logged as each stops), summed over workers."""
    total: dict[str, tuple[float, int, float | None]] = {}
    for line in lines:
        if STEP not in line:
            continue
        name, _, rest = line.split(STEP, 1)[1].strip().rpartition(": ")
        values = dict(part.split("=") for part in rest.split())
        wall, calls, cpu = total.get(name, (0.0, 0, None))
        step_cpu = float(values["cpu"]) + (cpu or 0.0) if "cpu" in values else cpu
        total[name] = (wall + float(values["wall"]), calls + int(values["calls"]), step_cpu)
    return total


MOTO_PID = 0


def run(n: int, urls: list[str], base: str, delay: float, concurrency: int) -> Run:
    pg, name = _database(base)
    lines: queue.Queue[str] = queue.Queue()
    try:
        with tempfile.TemporaryDirectory(prefix="scaleout-bench-") as tmp:
            configs = [_config(Path(tmp) / f"w{i}", pg, delay) for i in range(n)]
            prime = subprocess.run(
                [sys.executable, "-m", "scraper", "enqueue", "--config", str(configs[0]), "--json", urls[0]],
                capture_output=True,
                text=True,
            )  # creates the catalogue and the queue's tables
            assert prime.returncode == 0, prime.stderr
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "scraper",
                        "-v",
                        "worker",
                        "--concurrency",
                        str(concurrency),
                        "--config",
                        str(c),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for c in configs
            ]

            def read(p: subprocess.Popen) -> None:
                assert p.stderr is not None
                for line in p.stderr:
                    lines.put(line)

            readers = [threading.Thread(target=read, args=(p,), daemon=True) for p in procs]
            for reader in readers:
                reader.start()
            _wait(lines, "Starting worker", 2 * n)  # every worker listens (captures, stubs) before the jobs are queued
            _wait(lines, FINISHED, 2)  # the priming job and its stub job
            start, moto_start, busy_start = time.monotonic(), _proc_cpu(MOTO_PID), _machine_busy()
            queued = subprocess.run(
                [sys.executable, "-m", "scraper", "enqueue", "--config", str(configs[0]), *urls[1:]],
                capture_output=True,
                text=True,
            )
            assert queued.returncode == 0, queued.stderr
            _wait(lines, CAPTURED, len(urls))
            captured = time.monotonic() - start
            _wait(lines, FINISHED, 2 * len(urls))  # every page's capture job and its stub job
            makespan = time.monotonic() - start
            moto_cpu, machine_busy = _proc_cpu(MOTO_PID) - moto_start, _machine_busy() - busy_start
            cpu = 0.0
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                _, status, usage = os.wait4(p.pid, 0)
                cpu += usage.ru_utime + usage.ru_stime
            for reader in readers:
                reader.join(timeout=60)
            while not lines.empty():
                _log.append(lines.get())
            warc = sum(
                f.stat().st_size for c in configs for f in (c.parent / "data" / "warc").glob("*.warc.gz")
            )  # local copies, uploaded or not
            engine = create_engine(pg)
            with engine.connect() as conn:
                size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
                captures = int(conn.execute(text("SELECT count(*) FROM captures")).scalar_one())
            engine.dispose()
            assert captures == len(urls), f"{captures} captures for {len(urls)} pages"
    finally:
        _drop(base, name)
    return Run(n, makespan, captured, cpu, warc, size, _steps(_log), moto_cpu, machine_busy)


_counts: dict[str, int] = {}


FINISHED = "ended with status: "  # Success, or Failed once its retries are spent
CAPTURED = "capture job done"  # counted by `_wait` from a capture job's FINISHED line


def _wait(lines: queue.Queue[str], fragment: str, total: int) -> None:
    """Read worker log lines until `fragment` has come `total` times in this run (an event each, never a sleep)."""
    while _counts.get(fragment, 0) < total:
        line = lines.get(timeout=600)
        _log.append(line)
        if FINISHED in line and "to retry" in line:
            continue
        if "Traceback" in line or " error " in line or FINISHED + "Failed" in line:
            _errors.append(line.strip())
        for key in (FINISHED, "Starting worker"):
            if key in line:
                _counts[key] = _counts.get(key, 0) + 1
        if FINISHED in line and "Job capture[" in line:
            _counts[CAPTURED] = _counts.get(CAPTURED, 0) + 1


_errors: list[str] = []
_log: list[str] = []


def main() -> None:
    global S3, MOTO_PID, MAX_FILE_BYTES
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.3, help="[http] per_host_delay in seconds")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=8, help="jobs at once in each worker")
    parser.add_argument(
        "--max-file-bytes", type=int, default=MAX_FILE_BYTES, help="[warc] max_file_bytes (1: one object per page)"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TAKEDOWNS_TEST_PG_URL"),
        help="an SQLAlchemy PostgreSQL URL of a user that may create databases",
    )
    args = parser.parse_args()
    if not args.pg_url:
        sys.exit("error: set TAKEDOWNS_TEST_PG_URL or pass --pg-url (the queue and the catalogue live in PostgreSQL)")
    MAX_FILE_BYTES = args.max_file_bytes
    moto, endpoint, bucket = _moto()
    S3, MOTO_PID = (endpoint, bucket), moto.pid
    sites = [SlowSite(f"127.0.0.{i}") for i in range(2, 2 + HOSTS)]
    urls = [f"{s.base}/r/{n}.html" for n in range(PAGES) for s in sites]
    bound = PAGES * LATENCY + (PAGES - 1) * args.delay
    results: dict[int, Run] = {}
    try:
        for n in args.workers:
            _counts.clear()
            _log.clear()
            results[n] = r = run(n, urls, args.pg_url, args.delay, args.concurrency)
            per = len(urls)
            print(
                f"{n} worker(s): makespan {r.makespan:.2f}s = {r.makespan / bound:.2f}x the politeness bound"
                f" (every page captured after {r.captured:.2f}s);"
                f" {r.cpu_seconds / per * 1000:.0f} ms CPU, {r.warc_bytes / per / 1024:.1f} KiB WARC,"
                f" {r.catalogue_bytes / per / 1024:.1f} KiB catalogue per page",
                flush=True,
            )
            slots = n * args.concurrency * r.makespan
            job = r.steps.get("job: capture", (0.0, 0, None))[0]
            print(
                f"  job slots busy {job / slots:.0%} of {n} x {args.concurrency} x makespan;"
                f" S3 server {r.moto_cpu / per * 1000:.0f} ms CPU per page;"
                f" the whole machine was busy {r.machine_busy:.1f} CPU-s of {r.makespan * (os.cpu_count() or 1):.1f}"
                f" (everyone's work: {r.machine_busy / r.makespan:.2f} cores)",
                flush=True,
            )
            for name, (wall, calls, cpu) in sorted(r.steps.items(), key=lambda kv: -kv[1][0]):
                cpu_text = f", {cpu / per * 1000:.1f} ms CPU" if cpu is not None else ""
                print(f"  {name}: {wall / per * 1000:.1f} ms wall per page{cpu_text} ({calls} calls)", flush=True)
    finally:
        for s in sites:
            s.close()
        moto.terminate()
    print(
        f"each worker: {args.concurrency} capture jobs and 1 stub job at once; [warc] max_file_bytes = {MAX_FILE_BYTES}"
    )
    print(
        f"politeness bound: {PAGES} pages/host x {LATENCY}s latency + {PAGES - 1} x {args.delay}s delay = {bound:.2f}s"
        f" ({HOSTS} hosts, {len(urls)} pages)"
    )
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (workers, PostgreSQL, moto"
        " and the"
        " 40 sites share them; on separate hosts the CPU part of the makespan divides by the hosts)"
    )
    if _errors:
        print(f"{len(_errors)} job(s) failed for good; the first: {_errors[0]}")
    one = results.get(1)
    for n, r in results.items():
        if one is not None and n != 1:
            print(f"{n} workers / 1 worker: {r.makespan / one.makespan:.2f}")


if __name__ == "__main__":
    main()
