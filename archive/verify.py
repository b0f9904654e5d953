"""Check that what is stored is whole: WARC digests, WACZ packages, catalogue pointers."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from . import warcio_codings
from .catalogue import Catalogue
from .tables import Capture
from .warc import payload_sha256, read_response


@dataclass
class Problem:
    path: str
    message: str


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_warc(path: Path) -> list[str]:
    """Block and payload digests of every record, and that the file decompresses to the end."""
    problems: list[str] = []
    try:
        with open(path, "rb") as f:
            iterator = ArchiveIterator(f, check_digests=True)
            for record in iterator:
                iterator.read_to_end(record)
                checker = record.digest_checker
                if checker.passed is False:
                    problems.append(f"record {record.rec_headers.get_header('WARC-Record-ID')}: {'; '.join(str(p) for p in checker.problems)}")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        problems.append(f"unreadable: {exc.__class__.__name__}: {exc}")
    except Exception as exc:  # zlib errors and the like surface with assorted types
        problems.append(f"unreadable: {exc.__class__.__name__}: {exc}")
    return problems


def check_wacz(path: Path) -> list[str]:
    """`wacz validate`, plus what it does not check: pages.jsonl present and matching the WARC."""
    from wacz.main import main as wacz_main

    warcio_codings.install()
    problems: list[str] = []
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = wacz_main(["validate", "-f", str(path)])
    except Exception as exc:  # py-wacz raises on some corrupt zips
        rc, out = 1, io.StringIO(f"{exc.__class__.__name__}: {exc}")
    if rc not in (0, None):
        problems.append(f"wacz validate failed: {out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else rc}")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "pages/pages.jsonl" not in names:
                return problems + ["pages/pages.jsonl is missing"]
            lines = [json.loads(line) for line in z.read("pages/pages.jsonl").decode("utf-8").splitlines() if line.strip()]
            responses = set()
            for name in names:
                if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
                    for record in ArchiveIterator(io.BytesIO(z.read(name))):
                        if record.rec_type == "response":
                            responses.add((record.rec_headers.get_header("WARC-Target-URI"), record.rec_headers.get_header("WARC-Date")))
                        elif record.rec_type in ("metadata", "resource") and not (record.rec_headers.get_header("WARC-Target-URI") or "").startswith("urn:"):
                            problems.append(f"{name}: {record.rec_type} record uses a page URL, not a urn: URI")
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError) as exc:
        return problems + [f"unreadable: {exc.__class__.__name__}: {exc}"]
    pages = [p for p in lines if "url" in p]
    if not pages:
        problems.append("pages/pages.jsonl lists no page")
    for page in pages:
        if (page.get("url"), page.get("ts")) not in responses:
            problems.append(f"page {page.get('url')} at {page.get('ts')} matches no response record (url and WARC-Date)")
    return problems


def check_catalogue(data_dir: Path, catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    with catalogue.session() as s:
        captures = list(s.query(Capture))
    for c in captures:
        try:
            record = read_response(data_dir / c.warc_path, c.warc_offset)
        except Exception as exc:  # any failure to read back is the finding
            problems.append(Problem(c.warc_path, f"capture {c.id} ({c.url}) cannot be read back: {exc}"))
            continue
        if payload_sha256(record.raw_payload) != c.payload_sha256:
            problems.append(Problem(c.warc_path, f"capture {c.id} ({c.url}) payload digest differs from the catalogue"))
    return problems


def verify(paths: list[Path], data_dir: Path, catalogue: Catalogue | None, progress: Callable[[str], None] | None = None) -> VerifyReport:
    """Check the given files, or every WARC and WACZ under the data dir and the catalogue.

    `progress(name)` is called before each file (the CLI shows it on a terminal).
    """
    report = VerifyReport()
    files = paths or sorted((data_dir / "warc").glob("*.warc.gz")) + sorted((data_dir / "wacz").glob("*.wacz"))
    for path in files:
        if progress:
            progress(path.name)
        report.checked.append(str(path))
        if path.name.endswith(".wacz"):
            found = check_wacz(path)
        elif path.name.endswith((".warc", ".warc.gz")):
            found = check_warc(path)
        else:
            found = ["not a .warc, .warc.gz or .wacz file"]
        report.problems += [Problem(str(path), message) for message in found]
    if not paths and catalogue is not None:
        report.problems += check_catalogue(data_dir, catalogue)
    return report
