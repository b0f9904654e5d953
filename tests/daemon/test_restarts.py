"""Issue 11 (6): an interrupted run is rerun at the next start, however many starts were
killed in between; WARC bytes and files no committed row accounts for are moved into quarantine, never deleted."""

from __future__ import annotations

import signal

from archive.catalogue import Catalogue
from scraper.config import load_config
from scraper.discover import runs as run_state

from .harness import (
    DaemonProcess,
    daemon_config,
    publish,
    query,
    runs,
    source_table,
    wait_for,
)


def test_interrupted_run_is_rerun_however_many_starts_come_between(site_server, tmp_path):
    publish(site_server, n=4, delay=0.2)
    cfg = daemon_config(tmp_path, source_table("newsroom", site_server.url("/feed.xml"), "1h"))
    with DaemonProcess(cfg, log_name="first") as d:
        wait_for(lambda: runs(cfg, "running"), 20, "a run in progress", d)
        d.kill()
    # Starts killed right after they recovered the run and before they began the rerun:
    # the step a real start does first, done here so that the kill lands exactly there.
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        for _ in range(3):
            assert run_state.recover_interrupted(catalogue) == ["newsroom"]
    finally:
        catalogue.dispose()
    # ... and starts killed at once, wherever that lands.
    for i in range(2):
        DaemonProcess(cfg, log_name=f"killed{i}").kill()
    assert not runs(cfg, "ok")
    with DaemonProcess(cfg, log_name="last") as d:
        wait_for(lambda: runs(cfg, "ok"), 30, "the rerun of the interrupted run (not a wait of 1h)", d)
        d.signal(signal.SIGTERM)
        assert d.wait(15) == 0, d.log()
    assert not runs(cfg, "running")
    assert len(query(cfg, "SELECT DISTINCT url FROM captures")) == 4


def test_recovery_moves_uncatalogued_files_and_tails_into_quarantine(tmp_path):
    from archive.clock import utcnow
    from archive.quarantine import quarantine_dir
    from archive.tables import WarcFile
    from archive.warc import WarcStore

    from ..conftest import make_config

    config = load_config(str(make_config(tmp_path)))
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        store = WarcStore(config.data_dir, catalogue, config.warc_max_file_bytes)
        orphan = store.warc_dir / "takedowns-20260101000000000000-1.warc.gz"
        orphan.write_bytes(b"\x1f\x8b half a record from a killed process")
        kept = store.warc_dir / "kept.warc.gz"
        kept.write_bytes(b"whole records" + b" torn tail")
        with catalogue.session() as s:
            s.add(WarcFile(path="warc/kept.warc.gz", committed_size=len(b"whole records"), created_at=utcnow()))
        done = store.recover()
        aside = quarantine_dir(config.data_dir)
        assert (
            not orphan.exists()
            and (aside / orphan.name).read_bytes() == b"\x1f\x8b half a record from a killed process"
        )
        assert kept.read_bytes() == b"whole records"
        assert (aside / f"kept.tail-{len(b'whole records')}.warc.gz").read_bytes() == b" torn tail"
        assert (
            len(done) == 2
            and any("moved warc/takedowns-" in line for line in done)
            and any("the 10 byte(s) of warc/kept" in line for line in done)
        )
        assert store.recover() == []
        assert sorted(p.name for p in store.warc_dir.iterdir()) == [".lock", "kept.warc.gz"]
    finally:
        catalogue.dispose()
