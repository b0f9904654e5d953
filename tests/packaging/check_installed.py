"""The README's quickstart, run against an installed wheel (called by check_installed.sh).

Runs with the fresh virtualenv's Python, in an empty folder, with no checkout and no
../shared: `demo`, `disarm show`, `techniques suggest` on a demo stub, `stubs export` in
every format (STIX checked by stix2-validator, MISP loaded back), `serve` (the desk answers),
`fetch --render` when Chromium is installed, and `archive verify`. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
TAKEDOWNS = str(BIN / "takedowns")
CHROMIUM = Path("/usr/bin/chromium")  # the [render] chromium default
FORMATS = ("md", "csv", "xlsx", "stix", "misp")
PAGE = """<!doctype html><html lang="en"><head><title>Network removed for coordinated inauthentic behaviour</title></head>
<body><article><h1>Network removed for coordinated inauthentic behaviour</h1>
<p id="lede">Loading the report...</p>
<script>document.getElementById('lede').textContent = 'We removed 12 Facebook accounts and 3 Pages for coordinated inauthentic behavior. '
+ 'The network originated in Testland and targeted audiences in Exampleland, posting about regional politics in two languages.';</script>
<p>The operators posed as local journalists. Our investigators traced shared administrators and identical posting schedules across the assets.</p>
</article></body></html>"""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def run(*args: str, timeout: float = 600) -> str:
    """Run a command; fail with its output unless it exits 0; return stdout."""
    started = time.monotonic()
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    shown = " ".join(a if len(a) < 80 else "..." + a[-60:] for a in args[1:])
    print(f"  {time.monotonic() - started:5.1f}s  {Path(args[0]).name} {shown}", flush=True)
    check(
        done.returncode == 0, f"{' '.join(args)} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


def takedowns_json(*args: str) -> Any:
    return json.loads(run(TAKEDOWNS, *args, "--json"))


def inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def check_no_checkout(forbid: Path) -> None:
    import scraper

    check(not inside(scraper.__file__, forbid), f"scraper imported from the checkout: {scraper.__file__}")
    check(inside(scraper.__file__, Path(sys.prefix)), f"scraper not from the virtualenv: {scraper.__file__}")
    check(not (Path.cwd().parent / "shared").exists(), "a ../shared folder is beside the working folder")


def check_disarm(cfg: Path, forbid: Path) -> None:
    shown = takedowns_json("--config", str(cfg), "disarm", "show")
    check(shown["origin"] == "packaged", f"DISARM data should be the packaged snapshot on a fresh install: {shown}")
    for key, path in shown["files"].items():
        check(
            Path(path).is_file() and inside(path, Path(sys.prefix)), f"DISARM {key} not shipped in the package: {path}"
        )
        check(
            not inside(path, forbid) and "shared" not in Path(path).parts,
            f"DISARM {key} read from outside the package: {path}",
        )
    status = run(TAKEDOWNS, "--config", str(cfg), "status")
    check(
        "DISARM: packaged snapshot of DISARMFoundation/DISARMframeworks@" in status,
        "status does not say which DISARM data is in use",
    )


def check_techniques_and_exports(cfg: Path, out: Path) -> None:
    stubs = takedowns_json("--config", str(cfg), "stubs", "list")
    check(bool(stubs), "the demo made no stubs")
    stub_id = stubs[0]["id"]
    found = takedowns_json("--config", str(cfg), "techniques", "suggest", stub_id)
    suggestions = found["suggestions"]
    check(bool(suggestions), f"no technique suggestions for {stub_id}: {found}")
    technique = suggestions[0]["technique_id"]
    run(TAKEDOWNS, "--config", str(cfg), "stubs", "techniques", stub_id, "accept", technique)
    for fmt in FORMATS:
        folder = out / fmt
        run(TAKEDOWNS, "--config", str(cfg), "stubs", "export", "--format", fmt, "-o", str(folder))
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        check(bool(files), f"stubs export --format {fmt} wrote nothing")
    stix = sorted((out / "stix").glob("*.stix.json"))
    run(str(BIN / "stix2_validator"), "--version", "2.1", *map(str, stix))
    uses = [o for p in stix for o in json.loads(p.read_text())["objects"] if o.get("relationship_type") == "uses"]
    check(
        len(uses) >= 1 and all(u["target_ref"].startswith("attack-pattern--") for u in uses),
        "STIX export lacks the accepted technique's DISARM attack-pattern",
    )
    for path in sorted((out / "misp").glob("*.json")):
        event = json.loads(path.read_text())
        check("Event" in event and event["Event"].get("info"), f"{path.name} is not a MISP event")


def read_json_object(stream: Any) -> Any:
    text = ""
    for line in stream:  # print_json indents: read until the object is whole
        text += line
        if line.startswith("}"):
            break
    return json.loads(text)


def check_desk(cfg: Path) -> None:
    started = time.monotonic()
    desk = subprocess.Popen(
        [TAKEDOWNS, "--config", str(cfg), "serve", "--port", "0", "--json"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = read_json_object(desk.stdout)["serving"]
        with urllib.request.urlopen(url, timeout=60) as page:
            body = page.read().decode()
        check(page.status == 200 and "TA-0000" in body, f"the desk at {url} did not show the demo's stubs")
        print(f"  {time.monotonic() - started:5.1f}s  takedowns serve: the desk answered at {url}", flush=True)
    finally:
        desk.terminate()
        desk.wait(timeout=60)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass


def check_render(cfg: Path, site: Path) -> None:
    if not CHROMIUM.exists():
        print(f"  skipped fetch --render: no Chromium at {CHROMIUM}", flush=True)
        return
    site.mkdir()
    (site / "report.html").write_text(PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Quiet(*a, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
        got = takedowns_json("--config", str(cfg), "fetch", url, "--render")
        check(got["rendered"] is True and got["status"] == 200, f"fetch --render did not render: {got}")
        counts = [n["counts"].get("facebook_accounts") for n in got["networks"]]
        check(counts == [12], f"the script-written sentence was not extracted from the rendered DOM: {got['networks']}")
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forbid", type=Path, required=True, help="the checkout: nothing may be read from it")
    forbid = parser.parse_args().forbid
    here = Path.cwd()
    check_no_checkout(forbid)
    out = run(TAKEDOWNS, "demo", "--dir", "demo")
    cfg = here / "demo" / "config.toml"
    check(f"takedowns --config {cfg} serve" in out, "the demo's closing text does not say how to open its desk")
    check_disarm(cfg, forbid)
    check_techniques_and_exports(cfg, here / "exports")
    check_desk(cfg)
    check_render(cfg, here / "site")
    run(TAKEDOWNS, "--config", str(cfg), "archive", "verify", "--all")
    print("installed package: every quickstart step passed", flush=True)


if __name__ == "__main__":
    main()
