"""Check that what is stored is whole: WARC digests, WACZ packages, catalogue pointers."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from . import warcio_codings
from .catalogue import Catalogue, utcnow
from .tables import Capture, Stub, StubReference, VerifiedFile, WaczFile, WarcFile
from .warc import payload_sha256, read_response


@dataclass
class Problem:
    path: str
    message: str


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # unchanged since the last verify that passed them

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


def wacz_index_urls(path: Path) -> dict[str, str]:
    """The URLs the WACZ's CDXJ index answers for (what a replay tool can resolve), with their HTTP status."""
    urls: dict[str, str] = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("indexes/") or not name.endswith((".cdx", ".cdxj", ".cdx.gz", ".cdxj.gz")):
                continue
            data = z.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            for line in data.decode("utf-8", "replace").splitlines():
                _key, _, rest = line.partition(" ")
                _ts, _, blob = rest.partition(" ")
                with contextlib.suppress(json.JSONDecodeError, AttributeError):
                    entry = json.loads(blob)
                    if entry.get("url"):
                        urls[entry["url"]] = str(entry.get("status", ""))
    return urls


def resolves(url: str, requested: str, final_url: str, index: dict[str, str]) -> bool:
    """Whether replay of this WACZ can answer `url`.

    The URL a capture asked for resolves through its own 3xx hop records. A WACZ
    built before hops were written (issue 13 item 6) holds no 3xx record at all:
    there the asked-for URL resolves through the final URL, as it did then.
    """
    if url in index:
        return True
    hops_written = any(status.startswith("3") for status in index.values())
    return url == requested and not hops_written and final_url in index


def one_line(text: str, limit: int = 200) -> str:
    """A reason fit for one terminal line: printable characters only, never raw bytes, cut short."""
    text = re.sub(r"first line: .*", "what follows is not a WARC record (damaged or not a WARC)", text, flags=re.S)  # warcio quotes the raw bytes
    text = re.sub(r"b'[^']*'|b\"[^\"]*\"", "<bytes>", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_file(path: Path) -> list[str]:
    if path.name.endswith(".wacz"):
        return check_wacz(path)
    if path.name.endswith((".warc", ".warc.gz")):
        return check_warc(path)
    return ["not a .warc, .warc.gz or .wacz file"]


def _check_in_worker(path: str) -> tuple[str, list[str], str]:
    """Pool entry point: the file's problems and its SHA-256 (recorded for the next run)."""
    p = Path(path)
    problems = [one_line(m) for m in check_file(p)]
    digest = hashlib.sha256()
    try:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        problems.append(one_line(f"unreadable: {exc.strerror}"))
    return path, problems, digest.hexdigest()


def check_files(paths: list[Path], jobs: int, progress: Callable[[str], None] | None = None) -> dict[str, tuple[list[str], str]]:
    """Check files, in a process pool when there are several and more than one core to use.

    `progress(name)` is called for each file as it is taken up (serial) or finished (pool).
    """
    results = []
    if jobs <= 1 or len(paths) < 3:
        for p in paths:
            if progress:
                progress(p.name)
            results.append(_check_in_worker(str(p)))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_check_in_worker, [str(p) for p in paths], chunksize=max(1, len(paths) // (jobs * 8))):
                if progress:
                    progress(Path(result[0]).name)
                results.append(result)
    return {path: (problems, digest) for path, problems, digest in results}


def stored_files(data_dir: Path) -> list[Path]:
    """Every WARC and WACZ under the data dir (WACZ folders may be sharded), build folders excluded."""
    found = sorted((data_dir / "warc").rglob("*.warc.gz")) + sorted((data_dir / "wacz").rglob("*.wacz"))
    return [p for p in found if not any(part.startswith(".") for part in p.relative_to(data_dir).parts)]


def check_catalogue(data_dir: Path, catalogue: Catalogue, warc_paths: set[str] | None = None) -> list[Problem]:
    """Read back each capture's response record (only those in `warc_paths`, when given)."""
    problems: list[Problem] = []
    with catalogue.session() as s:
        query = select(Capture)
        if warc_paths is not None:
            query = query.where(Capture.warc_path.in_(sorted(warc_paths)))
        captures = list(s.scalars(query))
    for c in captures:
        try:
            record = read_response(data_dir / c.warc_path, c.warc_offset)
        except Exception as exc:  # any failure to read back is the finding
            problems.append(Problem(str(data_dir / c.warc_path), one_line(f"capture {c.id} ({c.url}) cannot be read back: {exc}")))
            continue
        if payload_sha256(record.raw_payload) != c.payload_sha256:
            problems.append(Problem(str(data_dir / c.warc_path), f"capture {c.id} ({c.url}) payload digest differs from the catalogue"))
    return problems


def check_missing(data_dir: Path, catalogue: Catalogue) -> list[Problem]:
    """Files the catalogue lists that are gone from disk (a stat each: cheap even for 100k)."""
    with catalogue.session() as s:
        warcs = list(s.scalars(select(WarcFile.path)))
        waczs = list(s.execute(select(WaczFile.path, Capture.url).join(Capture, Capture.id == WaczFile.capture_id)))
    problems = [
        Problem(str(data_dir / p), "listed in the catalogue but missing from disk: restore it from a backup")
        for p in warcs
        if not (data_dir / p).exists()
    ]
    problems += [
        Problem(str(data_dir / p), f"listed in the catalogue but missing from disk: `takedowns archive export {url} -o FILE.wacz` rebuilds it")
        for p, url in waczs
        if not (data_dir / p).exists()
    ]
    return problems


def check_references(data_dir: Path, catalogue: Catalogue, wacz_paths: set[str] | None = None) -> list[Problem]:
    """Every stub reference URL must resolve in its capture's WACZ (its CDXJ index).

    A reference to the URL its capture requested, which redirected, resolves through the
    3xx hop records (see `resolves` for WACZs made before hops were written).
    """
    with catalogue.session() as s:
        query = (
            select(StubReference.url, Stub.stub_id, WaczFile.path, Capture.url, Capture.final_url)
            .join(Stub, Stub.id == StubReference.stub_pk)
            .join(WaczFile, WaczFile.capture_id == StubReference.capture_id)
            .join(Capture, Capture.id == StubReference.capture_id)
        )
        if wacz_paths is not None:
            query = query.where(WaczFile.path.in_(sorted(wacz_paths)))
        rows = list(s.execute(query))
    problems: list[Problem] = []
    indexes: dict[str, dict[str, str] | None] = {}
    for url, stub_id, rel, requested, final_url in rows:
        if rel not in indexes:
            try:
                indexes[rel] = wacz_index_urls(data_dir / rel)
            except (OSError, zipfile.BadZipFile, KeyError, EOFError):
                indexes[rel] = None  # missing or unreadable: reported by the other checks
        urls = indexes[rel]
        if urls is not None and not resolves(url, requested, final_url, urls):
            problems.append(Problem(str(data_dir / rel), f"stub {stub_id} cites {url}, which this WACZ's index does not resolve"))
    return problems


def _record(catalogue: Catalogue, data_dir: Path, checked: dict[str, tuple[list[str], str]], stats: dict[str, os.stat_result]) -> None:
    now = utcnow()
    with catalogue.session() as s:
        rows = {r.path: r for r in s.scalars(select(VerifiedFile).where(VerifiedFile.path.in_([_rel(data_dir, p) for p in checked])))}
        for path, (problems, digest) in checked.items():
            rel, st = _rel(data_dir, path), stats[path]
            row = rows.get(rel)
            if row is None:
                row = VerifiedFile(path=rel)
                s.add(row)
            row.size, row.mtime_ns, row.sha256, row.ok, row.verified_at = st.st_size, st.st_mtime_ns, digest, not problems, now


def _rel(data_dir: Path, path: str | Path) -> str:
    return Path(path).relative_to(data_dir).as_posix()


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def verify(
    paths: list[Path],
    data_dir: Path,
    catalogue: Catalogue | None,
    *,
    everything: bool = False,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Check the given files; or what changed under the data dir since the last run (all of it with `everything`).

    A file is "changed" when its size or mtime differ from what the last verify
    recorded, or it did not pass then. The catalogue checks (read-back of
    captures, stub references in WACZ indexes) cover the re-checked files; the
    check that every file the catalogue lists still exists runs every time.
    `progress(name)` is called per file (the CLI shows it on a terminal).
    """
    report = VerifyReport()
    jobs = jobs or default_jobs()
    if paths:
        results = check_files(paths, jobs, progress)
        for path in paths:
            report.checked.append(str(path))
            report.problems += [Problem(str(path), m) for m in results[str(path)][0]]
        return report
    files = stored_files(data_dir)
    stats = {str(p): p.stat() for p in files}
    known: dict[str, tuple[int, int, bool]] = {}
    if catalogue is not None and not everything:
        with catalogue.session() as s:
            known = {path: (size, mtime, ok) for path, size, mtime, ok in s.execute(select(VerifiedFile.path, VerifiedFile.size, VerifiedFile.mtime_ns, VerifiedFile.ok))}
    todo = []
    for p in files:
        st, seen = stats[str(p)], known.get(_rel(data_dir, p))
        if everything or seen is None or seen != (st.st_size, st.st_mtime_ns, True):
            todo.append(p)
    results = check_files(todo, jobs, progress)
    for p in todo:
        report.checked.append(str(p))
        report.problems += [Problem(str(p), m) for m in results[str(p)][0]]
    report.skipped = len(files) - len(todo)
    if catalogue is None:
        return report
    report.problems += check_missing(data_dir, catalogue)
    rels = {_rel(data_dir, p) for p in todo}
    report.problems += check_catalogue(data_dir, catalogue, None if everything else {r for r in rels if r.startswith("warc/")})
    report.problems += check_references(data_dir, catalogue, None if everything else {r for r in rels if r.startswith("wacz/")})
    _record(catalogue, data_dir, results, stats)
    return report
