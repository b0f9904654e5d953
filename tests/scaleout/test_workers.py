"""Issue 32: capture jobs on procrastinate in the catalogue's PostgreSQL, run by several `takedowns worker`
processes with separate data folders, uploading their WARCs to an S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from scraper.devserver import Answer, LoopbackServer, Request

from ..conftest import make_config, run_cli

DELAY = 0.3  # [http] per_host_delay of the workers: every request to the site is at least this far apart


def _page(n: int) -> bytes:
    return f"""<html><head><title>Takedown note {n}</title></head><body><article>
<h1>Removing coordinated network number {n}</h1>
<p>Published 4 April 2024. We took down {20 + n} accounts and {n + 1} groups run from Testland that
targeted people in Exampleland while pretending to be independent journalists.</p>
</article></body></html>""".encode()


class LoggedSite:
    """A site that writes down when each request arrived (monotonic seconds), to check pacing across processes."""

    def __init__(self, pages: int) -> None:
        self.pages = {f"/note-{n}.html": _page(n) for n in range(pages)}
        self.arrivals: list[tuple[float, str]] = []
        self.mutex = threading.Lock()
        self.server = LoopbackServer(self.respond, name="logged-site")

    def respond(self, request: Request) -> Answer:
        with self.mutex:
            self.arrivals.append((time.monotonic(), request.path))
        if request.path == "/robots.txt":
            return Answer(404, b"")
        body = self.pages.get(request.path)
        return Answer(200, body, {"Content-Type": "text/html; charset=utf-8"}) if body else Answer(404, b"")

    def urls(self) -> list[str]:
        return [self.server.url(p) for p in self.pages]


def _config(root: Path, pg: str | None, extra: str) -> Path:
    path = make_config(root, extra, catalogue=pg)
    path.write_text(path.read_text().replace("per_host_delay = 0.0", f"per_host_delay = {DELAY}"))
    return path


class Workers:
    """Worker processes that run until stopped, their log lines read as they come (events, not sleeps)."""

    def __init__(self, configs: list[Path]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "scraper", "-v", "worker", "--concurrency", "3", "--config", str(c)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for c in configs
        ]
        for proc in self.procs:
            threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self.lines.put(line)

    def wait_for(self, fragment: str, count: int) -> None:
        seen: list[str] = []
        while sum(fragment in line for line in seen) < count:
            try:
                seen.append(self.lines.get(timeout=60))
            except queue.Empty:
                raise AssertionError(
                    f"{count} x {fragment!r} never came; the workers said:\n{''.join(seen[-30:])}"
                ) from None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)  # procrastinate finishes running jobs, then exits
        for proc in self.procs:
            assert proc.wait(timeout=60) == 0


def _workers(configs: list[Path], *extra: str) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "worker",
                "--until-empty",
                "--concurrency",
                "3",
                *extra,
                "--config",
                str(c),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in configs
    ]


def _captures(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return sorted((u, d) for u, d in conn.execute(text("SELECT url, payload_sha256 FROM captures")))
    finally:
        engine.dispose()


def _reports(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT c.url, r.data FROM reports r JOIN captures c ON c.id = r.capture_id")
            ).all()
    finally:
        engine.dispose()

    def same_in_both(data: dict) -> str:  # a report names its capture's row id, which differs between catalogues
        return json.dumps({k: v for k, v in data.items() if k != "capture_id"}, sort_keys=True)

    return sorted((u, same_in_both(json.loads(d) if isinstance(d, str) else d)) for u, d in rows)


def _stubs(url: str) -> list[tuple[str, str, str, str, list[str]]]:
    """Each stub as what it says (name, status, counts, origin) and the URLs it cites; not its id (stub ids
    are numbered in the order stubs were made, which differs between a daemon and several workers)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            stubs = conn.execute(text("SELECT id, name, status, counts, origin FROM stubs")).all()
            refs = conn.execute(text("SELECT stub_pk, url FROM stub_references")).all()
    finally:
        engine.dispose()

    def canonical(value: object) -> str:
        return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)

    return sorted(
        (name, status, canonical(counts), canonical(origin), sorted(u for pk, u in refs if pk == stub_pk))
        for stub_pk, name, status, counts, origin in stubs
    )


def test_three_workers_store_what_one_machine_stores_and_pace_the_host_together(pg_url, s3_server, tmp_path):
    site = LoggedSite(pages=9)
    with site.server:
        single = _config(tmp_path / "single", None, "")
        for url in site.urls():
            assert run_cli("fetch", url, "--config", single).exit_code == 0
        one_machine = f"sqlite:///{tmp_path / 'single' / 'data' / 'catalogue.sqlite'}"
        site.arrivals.clear()

        bucket = s3_server.new_bucket()
        configs = [
            _config(tmp_path / f"w{n}", pg_url, s3_server.storage_toml(bucket) + "\n[warc]\nmax_file_bytes = 4000\n")
            for n in range(3)
        ]
        assert (
            run_cli("enqueue", "--json", "--config", configs[0], site.urls()[0]).exit_code == 0
        )  # creates the schemas
        with Workers(configs) as workers:
            workers.wait_for(
                "Starting worker", 2 * len(configs)
            )  # all three listen (captures, stubs) before any job is queued
            queued = run_cli("enqueue", *site.urls(), "--json", "--config", configs[0])
            assert queued.exit_code == 0, queued.stderr
            # A capture job and its stub job per page, and the first URL's two jobs above.
            workers.wait_for("ended with status: Success", 2 * (len(site.pages) + 1))
        for config in configs:
            assert run_cli("archive", "upload", "--config", config).exit_code == 0  # each worker seals its last file

    assert _captures(pg_url) == _captures(one_machine)
    assert _reports(pg_url) == _reports(one_machine)
    assert _stubs(pg_url) == _stubs(one_machine) and _stubs(pg_url)
    starts = sorted(t for t, _ in site.arrivals)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # A host is given back `DELAY` after the answer came in, so arrivals are at least that far apart, whoever sent them.
    assert len(starts) >= len(site.pages) and min(gaps) >= DELAY, sorted(site.arrivals)
    verify = run_cli("archive", "verify", "--all", "--json", "--config", configs[1])  # any worker reads every object
    assert verify.exit_code == 0, verify.stdout + verify.stderr


def test_a_capture_job_run_twice_stores_one_capture(pg_url, s3_server, tmp_path):
    site = LoggedSite(pages=1)
    with site.server:
        config = _config(tmp_path / "w", pg_url, s3_server.storage_toml(s3_server.new_bucket()))
        [url] = site.urls()
        for _ in range(2):  # the job's second delivery (the first finished, so the queue takes it again)
            queued = run_cli("enqueue", url, "--json", "--config", config)
            assert queued.exit_code == 0 and json.loads(queued.stdout)[0]["job"] is not None, queued.stderr
            [proc] = _workers([config])
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
    assert len(_captures(pg_url)) == 1
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM warc_files")).scalar() == 1
    engine.dispose()


def test_a_stub_job_run_twice_makes_one_stub(pg_url, tmp_path):
    """The stub stage is a job of its own: a capture job queues it, and a second delivery of it (queued again
    by hand here, as a killed worker's job is) cites the report once, in one stub."""
    import asyncio

    from scraper.config import load_config
    from scraper.scaleout import jobs

    site = LoggedSite(pages=1)
    with site.server:
        config = _config(tmp_path / "w", pg_url, "")
        assert run_cli("enqueue", *site.urls(), "--config", config).exit_code == 0
        for _ in range(2):
            [proc] = _workers([config])
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err

            async def again() -> None:
                async with jobs.connect(load_config(str(config))):
                    await jobs.defer_stub(1)

            asyncio.run(again())
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM stubs")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM stub_references")).scalar() == 1
        waiting = conn.execute(text("SELECT task_name, status FROM procrastinate_jobs")).all()
    engine.dispose()
    assert waiting == [("stub", "todo")]  # the last one queued: the loop ran the first two


def test_wayback_checks_are_jobs_and_submit_each_link_once(pg_url, tmp_path, monkeypatch):
    """A capture job submits its page to Save Page Now and, while the link is pending, queues a `wayback_check`
    job; checks run again (re-queued while pending, and a worker run twice) poll the same Save Page Now job:
    one submission, one archive link."""
    from ..fakes.wayback import FakeWayback, Script

    monkeypatch.setenv("WAYBACK_ACCESS_KEY", "test-only-key")
    monkeypatch.setenv("WAYBACK_SECRET_KEY", "test-only-secret")
    site = LoggedSite(pages=1)
    with site.server, FakeWayback() as fake:
        [url] = site.urls()
        fake.scripts[url] = Script(pending_polls=1, timestamp="20261208010203")  # the first check finds it pending
        config = _config(tmp_path / "w", pg_url, "")
        config.write_text(
            config.read_text().replace("[archive.wayback]\nenabled = false\n", "")
            + f"""
[archive.wayback]
enabled = true
web_base = "{fake.base}"
api_base = "{fake.base}"
submit_interval_seconds = 0.0
poll_interval_seconds = 0.05
"""
        )
        assert run_cli("enqueue", url, "--config", config).exit_code == 0
        for _ in range(2):  # the second run takes a check the first left scheduled, if it left one
            [proc] = _workers([config])
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        assert len(fake.posts()) == 1
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        links = conn.execute(text("SELECT url, status, archive_link FROM archive_jobs")).all()
        left = conn.execute(text("SELECT task_name FROM procrastinate_jobs")).all()
    engine.dispose()
    assert links == [(url, "success", f"https://web.archive.org/web/20261208010203/{url}")]
    assert left == []


def test_an_extract_job_run_twice_keeps_one_report_read_from_the_bucket(pg_url, s3_server, tmp_path):
    """`extract` jobs re-extract a stored capture (uploaded: read back from the bucket), each queueing the stub
    stage; two of them leave one report and one stub reference."""
    import asyncio

    from scraper.config import load_config
    from scraper.scaleout import jobs

    site = LoggedSite(pages=1)
    with site.server:
        storage = s3_server.storage_toml(s3_server.new_bucket()) + "\n[warc]\nmax_file_bytes = 1\n"
        config = _config(tmp_path / "w", pg_url, storage)
        assert run_cli("enqueue", *site.urls(), "--config", config).exit_code == 0
        [proc] = _workers([config])
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        engine = create_engine(pg_url)
        with engine.begin() as conn:
            [capture_id] = conn.execute(text("SELECT id FROM captures WHERE warc_path LIKE 's3://%'")).scalars()
            conn.execute(text("UPDATE reports SET extractor_version = 'old'"))
        for _ in range(2):
            [queued] = asyncio.run(jobs.enqueue_extractions(load_config(str(config)), [capture_id]))
            assert queued is not None
            [proc] = _workers([config])
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT extractor_version FROM reports")).scalars().all()
            references = conn.execute(text("SELECT count(*) FROM stub_references")).scalar()
            left = conn.execute(text("SELECT task_name FROM procrastinate_jobs")).all()
        engine.dispose()
    assert len(versions) == 1 and versions[0] != "old"
    assert references == 1 and left == []


KILL_CYCLES = int(os.environ.get("TAKEDOWNS_KILL_CYCLES", "10"))  # more for an exhaustive run


class Fleet:
    """Three workers on separate data folders, each restarted at once when the test kills it. Their log lines come
    tagged with the worker and its generation, so a killed process's last lines are told from its successor's."""

    def __init__(self, configs: list[Path], *extra: str) -> None:
        self.configs, self.extra = configs, extra
        self.events: queue.Queue[tuple[int, int, str]] = queue.Queue()
        self.procs: list[subprocess.Popen] = []
        self.generation = [0] * len(configs)
        self.said: list[list[str]] = [[] for _ in configs]  # every line of each worker's processes, for failures
        for n in range(len(configs)):
            self.procs.append(self._start(n))

    def _start(self, n: int) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scraper", "-v", "worker", *self.extra, "--config", str(self.configs[n])],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        generation = self.generation[n]

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                self.said[n].append(line)
                self.events.put((n, generation, line))

        threading.Thread(target=read, daemon=True).start()
        return proc

    def next_line(self) -> tuple[int, str]:
        """The next line of a live worker (as it comes: an event, never a sleep)."""
        while True:
            n, generation, line = self.events.get(timeout=60)
            if generation == self.generation[n]:
                return n, line

    def kill_and_restart(self, n: int) -> None:
        self.procs[n].send_signal(signal.SIGKILL)
        self.procs[n].wait(timeout=30)
        self.generation[n] += 1
        self.procs[n] = self._start(n)

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)  # procrastinate finishes the running jobs, then the worker exits
        for n, proc in enumerate(self.procs):  # one restarted a moment ago may still be starting: SIGTERM ends it
            assert proc.wait(timeout=120) in (0, -signal.SIGTERM), "".join(self.said[n][-40:])


# What a worker logs as a job starts (it is in procrastinate's `doing` state then) and as an upload starts
# (archive/objectstore.py): SIGKILL right after either lands inside a capture or inside an upload.
AIMS = {"capture": "Starting job capture[", "upload": "uploading warc/"}


def test_killed_workers_lose_and_duplicate_nothing(pg_url, s3_server, tmp_path):
    """Three workers with separate data folders; SIGKILL one KILL_CYCLES times, alternately just as it starts a
    capture job and just as it starts an upload (a random worker, after a random number of such moments), each
    killed worker restarted on its folder. Then the workers stop, one more drains the queue (the killed workers'
    jobs queued again) and each folder uploads its last file. One capture, one report and one stub reference per
    page, no job left or failed, every capture in the bucket, `archive verify --all` passes."""
    import random

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    site = LoggedSite(pages=48)
    with site.server:
        bucket = s3_server.new_bucket()
        configs = []
        for n in range(3):
            config = _config(
                tmp_path / f"w{n}", pg_url, s3_server.storage_toml(bucket) + "\n[warc]\nmax_file_bytes = 2500\n"
            )
            config.write_text(config.read_text().replace(f"per_host_delay = {DELAY}", "per_host_delay = 0.0"))
            configs.append(config)
        assert run_cli("enqueue", *site.urls(), "--config", configs[0]).exit_code == 0
        fleet = Fleet(configs, "--concurrency", "2", "--stalled-after", "20")
        kills: list[str] = []
        try:
            skip = rng.randint(0, 2)
            while len(kills) < KILL_CYCLES:
                aim = ["capture", "upload"][len(kills) % 2]
                n, line = fleet.next_line()
                if AIMS[aim] not in line:
                    continue
                if skip:
                    skip -= 1
                    continue
                fleet.kill_and_restart(n)
                kills.append(f"{aim}@w{n}")
                skip = rng.randint(0, 2)
        finally:
            fleet.stop()
        last = subprocess.run(  # every other worker is gone: it takes their jobs, and runs the queue empty
            [sys.executable, "-m", "scraper", "-v", "worker", "--until-empty", "--stalled-after", "0"]
            + ["--config", str(configs[0])],
            capture_output=True,
            text=True,
            timeout=120,
        )
        err = last.stderr
        assert last.returncode == 0, err
        for config in configs:
            assert run_cli("archive", "upload", "--config", config).exit_code == 0
    context = f"seed {seed}, kills {kills}"
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT task_name, status, attempts, scheduled_at, args FROM procrastinate_jobs")
        ).all()
    engine.dispose()
    failures = [line for said in fleet.said for line in said if "the queue retries it" in line]
    assert left == [], f"{context}: jobs left {left}; failures {failures}; last worker said {err}"
    captures = _captures(pg_url)
    assert sorted(u for u, _ in captures) == sorted(site.urls()), context  # each page once: nothing lost or twice
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reports")).scalar() == len(site.pages), context
        cited = conn.execute(text("SELECT url, count(*) FROM stub_references GROUP BY url")).all()
        assert sorted(u for u, _ in cited) == sorted(site.urls()) and {c for _, c in cited} == {1}, context
        assert conn.execute(text("SELECT count(*) FROM captures WHERE warc_path NOT LIKE 's3://%'")).scalar() == 0
    engine.dispose()
    verify = run_cli("archive", "verify", "--all", "--json", "--config", configs[2])
    assert verify.exit_code == 0, verify.stdout + verify.stderr
    assert len(kills) == KILL_CYCLES
