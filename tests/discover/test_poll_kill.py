"""A `poll` killed with SIGKILL at random moments (extraction pool on, WARC stores in threads,
the feed rewritten only every few seconds) loses and corrupts nothing: `archive verify`
passes after each kill, and a re-run stores each report once, in one stub per report,
in the order the feed listed them, with every stub in the Atom feed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from ..conftest import make_config
from ..daemon.harness import ENV, TAKEDOWNS, publish, query, run_takedowns, wait_for

PAGES = 24


def start_poll(cfg: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*TAKEDOWNS, "--config", str(cfg), "poll", "newsroom"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cfg.parent,
        env=ENV,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the poll, then whatever it started (the pool's fork server and workers) if still alive."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_sigkill_mid_poll_then_verify_passes_and_a_rerun_completes(site_server, tmp_path):
    urls = publish(site_server, n=PAGES, delay=0.1)  # one host, one request at a time: at least 2.4 s of fetching
    cfg = make_config(
        tmp_path,
        f'[extract]\nworkers = 2\n\n[sources.newsroom]\nkind = "feed"\nurl = "{site_server.url("/feed.xml")}"\norg = "Meta"\n',
    )
    rng = random.Random(15)
    kills_mid_run = 0
    for _ in range(3):
        before = len(query(cfg, "SELECT id FROM captures"))
        proc = start_poll(cfg)
        try:
            wait_for(
                lambda: len(query(cfg, "SELECT id FROM captures")) > before or proc.poll() is not None,  # noqa: B023
                60,
                "a new capture",
            )
            time.sleep(rng.uniform(0.0, 0.5))
            kills_mid_run += proc.poll() is None
        finally:
            kill_group(proc)
        verify = run_takedowns(cfg, "archive", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
    assert kills_mid_run == 3  # every kill landed while the poll was working

    final = run_takedowns(cfg, "poll", "newsroom")
    assert final.returncode == 0, final.stdout + final.stderr
    verify = run_takedowns(cfg, "archive", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    captures = query(cfg, "SELECT url, warc_path, warc_offset FROM captures")
    assert Counter(url for url, *_ in captures) == Counter(urls)  # each report stored once
    responses = set()
    for warc in sorted((cfg.parent / "data" / "warc").glob("*.warc.gz")):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with open(warc, "rb") as f:
            it = ArchiveIterator(f)
            responses |= {
                (f"warc/{warc.name}", it.get_record_offset()) for record in it if record.rec_type == "response"
            }
    assert responses == {(path, offset) for _, path, offset in captures}  # no stored response unaccounted for
    decisions = Counter(d for (d,) in query(cfg, "SELECT decision FROM discovered_items"))
    assert decisions == {"kept": PAGES}, decisions

    firsts = query(
        cfg,
        "SELECT (SELECT url FROM stub_references r WHERE r.stub_pk = s.id ORDER BY r.id LIMIT 1), s.stub_id FROM stubs s ORDER BY s.id",
    )
    assert [url for url, _ in firsts] == urls  # one stub per report, in the order the feed listed them
    feed = etree.parse(str(cfg.parent / "data" / "stubs.atom")).getroot()
    ids = {e.text for e in feed.iter("{http://www.w3.org/2005/Atom}id")}
    assert {
        f"urn:takedowns:stub:{stub_id}" for _, stub_id in firsts
    } <= ids  # the feed caught up at the end of the pass
