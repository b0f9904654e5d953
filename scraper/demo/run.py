"""The offline demo: serve the bundled sites, write a demo config, run one pass of the daemon.

Everything happens on 127.0.0.1, so a newcomer sees captures, reports, stubs
and a status table without touching the internet.
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

from archive.catalogue import Catalogue
from scraper.config import Config, load_config
from scraper.daemon.scheduler import Daemon
from scraper.daemon.status import Status, collect_status
from scraper.errors import UserError
from scraper.web.settings import web_settings

from .server import DemoServer

log = logging.getLogger("takedowns.demo")

PREFERRED_PORT = 8737  # stable across runs, so re-running the demo recognises its captures

# (name, feed path, org, keywords that make an item a takedown report)
DEMO_SOURCES = (
    ("demo-meta-newsroom", "/newsroom/feed.xml", "Meta"),
    ("demo-dfrlab", "/dfrlab/feed.xml", "DFRLab"),
    ("demo-wire", "/wire/rss.xml", "EIN Presswire"),
)


def demo_config_text(base: str) -> str:
    sources = "".join(
        textwrap.dedent(
            f"""
            [sources.{name}]
            kind = "feed"
            url = "{base}{path}"
            org = "{org}"
            schedule = "1m"
            enabled = true
            """
        )
        for name, path, org in DEMO_SOURCES
    )
    return (
        textwrap.dedent(
            f"""\
        # Written by `takedowns demo`: the bundled publisher sites served on {base}.
        # Re-run `takedowns demo` to serve them again; `takedowns --config THIS status` any time.

        [data]
        dir = "data"

        [http]
        allow_private_networks = true   # the demo sites live on 127.0.0.1
        connect_timeout = 5.0
        read_timeout = 10.0
        per_host_delay = 0.1            # all demo sites share one host: no need to wait 2 s between requests

        [archive.wayback]
        enabled = false                 # offline: no Wayback Machine links (stubs say "pending")

        [daemon]
        grace_seconds = 5.0
        jitter_seconds = 0.0
        """
        )
        + sources
    )


def _start_server() -> DemoServer:
    try:
        return DemoServer(port=PREFERRED_PORT).start()
    except OSError:
        return DemoServer().start()


def run_demo(directory: Path, seconds: float) -> tuple[Config, Status]:
    """Serve the sites, run every demo source once (at most `seconds`), return the status."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the demo folder {directory}: {exc.strerror}; pass --dir to choose another"
        ) from None
    server = _start_server()
    try:
        config_path = directory / "config.toml"
        config_path.write_text(demo_config_text(server.base), encoding="utf-8")
        config = load_config(str(config_path))
        log.info("demo sites served on %s; config written to %s", server.base, config_path)
        Daemon(config, once=True, duration=seconds).run()
    finally:
        server.stop()
    catalogue = Catalogue(config.catalogue_url)
    try:
        with catalogue.reader() as reader:
            return config, collect_status(config, reader)
    finally:
        catalogue.dispose()


def where_things_are(config: Config) -> list[str]:
    """Paths a newcomer should look at next, with the commands that read them."""
    data = config.data_dir
    cfg = config.path
    lines = [
        f"config:     {cfg}",
        f"catalogue:  {data / 'catalogue.sqlite'}",
        f"WARC files: {data / 'warc'}   (every fetched byte; check with `warcio check`)",
        f"captures:   takedowns --config {cfg} captures",
        f"status:     takedowns --config {cfg} status",
    ]
    lines += [
        "WACZ: built from the WARC on demand (`takedowns archive export URL -o FILE.wacz`, or the desk's capture page)",
        f"stubs:      takedowns --config {cfg} stubs list   (Atom feed: {data / 'stubs.atom'})",
        f"stub pages: takedowns --config {cfg} stubs show ID   (or: stubs export --format md -o DIR)",
    ]
    web = web_settings(config)
    lines += [
        "",
        "Review the demo's stubs in the desk (runs until Ctrl-C):",
        f"  takedowns --config {cfg} serve",
        f"  then open http://{web.host}:{web.port}/ in a browser",
    ]
    return lines
