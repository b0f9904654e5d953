"""Check that what is stored is whole: WARC digests, catalogue pointers, and the WACZ built from each capture.

Only WARC files are stored (archive/wacz.py builds a capture's WACZ on demand), so a
plain verify reads WARCs and the catalogue; `packages=True` also builds each
re-checked capture's WACZ and validates it as `wacz validate` and replay tools would.
"""

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
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from . import quarantine, warcio_codings
from .catalogue import Catalogue
from .clock import utcnow
from .objectstore import exists, is_object, locate, store_for
from .render_records import block_records
from .tables import Capture, ReportRow, Stub, StubReference, VerifiedFile, WarcFile
from .wacz import temporary_wacz
from .warc import payload_sha256, read_response
from .warcscan import HOP_HEADER, PAGE_ID, FoundCapture, scan_warc


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]  # warcio ships no type hints
    """warcio's reader, whose warning about a record not followed by a newline leaves out the bytes it found there:
    they are raw bytes of a damaged file, and verify reports the damage itself, one printable line per file."""

    INC_RECORD = "    WARNING: Record not followed by newline, perhaps Content-Length is invalid\n    Offset: {0}\n"


@dataclass
class Problem:
    path: str
    message: str


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # unchanged since the last verify that passed them
    notes: list[str] = field(
        default_factory=list
    )  # worth knowing, nothing wrong (files in quarantine with nothing to catalogue)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Upto:
    """A file read up to byte `end`: what ArchiveIterator needs (read, tell)."""

    def __init__(self, f: BinaryIO, end: int) -> None:
        self.f, self.end = f, end

    def read(self, size: int | None = -1) -> bytes:
        left = max(0, self.end - self.f.tell())
        return self.f.read(left if size is None or size < 0 else min(size, left))

    def tell(self) -> int:
        return self.f.tell()


def check_warc(
    path: Path, start: int = 0, end: int | None = None, capture_offsets: list[int] | None = None
) -> list[str]:
    """Block and payload digests of every record from byte `start` on, and that the file decompresses
    to the end (to byte `end`: the catalogue's committed size, past which a killed writer's torn,
    uncatalogued tail may lie until the next daemon start moves it into quarantine).

    `capture_offsets`, when given, receives where each capture's first record (a response that is
    neither a redirect hop nor a rendered page's subresource) starts: what catalogue rows should point at.
    """
    problems: list[str] = []
    page = None
    warned = io.StringIO()  # warcio writes a damaged record's raw bytes to stderr: a reason here instead
    try:
        with open(path, "rb") as f, contextlib.redirect_stderr(warned):
            f.seek(start)
            iterator = _QuietIterator(f if end is None else _Upto(f, end), check_digests=True)
            for record in iterator:
                if (
                    capture_offsets is not None
                    and record.rec_type == "response"
                    and record.rec_headers.get_header(HOP_HEADER) is None
                ):
                    this_page = record.rec_headers.get_header(PAGE_ID)
                    if this_page is None or this_page != page:
                        capture_offsets.append(iterator.offset)
                    page = this_page
                iterator.read_to_end(record)
                checker = record.digest_checker
                if checker.passed is False:
                    problems.append(
                        f"record {record.rec_headers.get_header('WARC-Record-ID')}:"
                        f" {'; '.join(str(p) for p in checker.problems)}"
                    )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        problems.append(f"unreadable: {exc.__class__.__name__}: {exc}")
    except Exception as exc:  # zlib errors and the like surface with assorted types
        problems.append(f"unreadable: {exc.__class__.__name__}: {exc}")
    for offset in re.findall(r"Offset: (\d+)", warned.getvalue()):
        problems.append(
            f"a record at byte {offset} is not followed by its blank line (its Content-Length does not match its bytes)"
        )
    return problems


def check_wacz(path: Path) -> list[str]:
    """`wacz validate`, plus what it does not check: pages.jsonl present and matching the WARC, and the
    block and payload digests of every record in the package's WARCs (`wacz validate` hashes whole
    files against datapackage.json, which whoever altered a record can recompute)."""
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
        problems.append(
            f"wacz validate failed: {out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else rc}"
        )
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "pages/pages.jsonl" not in names:
                return problems + ["pages/pages.jsonl is missing"]
            lines = [
                json.loads(line) for line in z.read("pages/pages.jsonl").decode("utf-8").splitlines() if line.strip()
            ]
            responses = set()
            for name in sorted(names):
                if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
                    problems += [f"{name}: {m}" for m in _record_digests(z.read(name))]
                    for record in _QuietIterator(io.BytesIO(z.read(name))):
                        if record.rec_type == "response":
                            responses.add(
                                (
                                    record.rec_headers.get_header("WARC-Target-URI"),
                                    record.rec_headers.get_header("WARC-Date"),
                                )
                            )
                        elif record.rec_type in ("metadata", "resource") and not (
                            record.rec_headers.get_header("WARC-Target-URI") or ""
                        ).startswith("urn:"):
                            problems.append(f"{name}: {record.rec_type} record uses a page URL, not a urn: URI")
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError) as exc:
        return problems + [f"unreadable: {exc.__class__.__name__}: {exc}"]
    pages = [p for p in lines if "url" in p]
    if not pages:
        problems.append("pages/pages.jsonl lists no page")
    for page in pages:
        if (page.get("url"), page.get("ts")) not in responses:
            problems.append(
                f"page {page.get('url')} at {page.get('ts')} matches no response record (url and WARC-Date)"
            )
    return problems


def _record_digests(data: bytes) -> list[str]:
    """Each record's WARC-Block-Digest and WARC-Payload-Digest against its bytes (what `warcio check` does)."""
    problems: list[str] = []
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            iterator = _QuietIterator(io.BytesIO(data), check_digests=True)
            for record in iterator:
                iterator.read_to_end(record)
                if record.digest_checker.passed is False:
                    problems.append(
                        f"record {record.rec_headers.get_header('WARC-Record-ID')}"
                        f" ({record.rec_headers.get_header('WARC-Target-URI')}):"
                        f" {'; '.join(str(p) for p in record.digest_checker.problems)}"
                    )
                elif record.rec_type in ("response", "resource", "metadata") and record.digest_checker.passed is None:
                    problems.append(
                        f"record {record.rec_headers.get_header('WARC-Record-ID')} carries no digest to check"
                    )
        except Exception as exc:  # a damaged member: the zlib, EOF or format error is the finding
            problems.append(f"unreadable: {exc.__class__.__name__}: {exc}")
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
    text = re.sub(
        r"first line: .*", "what follows is not a WARC record (damaged or not a WARC)", text, flags=re.S
    )  # warcio quotes the raw bytes
    text = re.sub(r"b'[^']*'|b\"[^\"]*\"", "<bytes>", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_file(
    path: Path, start: int = 0, end: int | None = None, capture_offsets: list[int] | None = None
) -> list[str]:
    if path.name.endswith(".wacz"):
        return check_wacz(path)
    if path.name.endswith((".warc", ".warc.gz")):
        return check_warc(path, start, end, capture_offsets)
    return ["not a .warc, .warc.gz or .wacz file"]


Checked = tuple[list[str], str | None, list[int]]  # problems, SHA-256 (read from the start), capture offsets


def _check_in_worker(path: str, start: int = 0, end: int | None = None) -> tuple[str, list[str], str | None, list[int]]:
    """Pool entry point: the file's problems (from byte `start` to `end`), its capture offsets and, when read from
    the start, its SHA-256 (to `end`)."""
    p = Path(path)
    offsets: list[int] = []
    problems = [one_line(m) for m in check_file(p, start, end, offsets)]
    if start:
        return path, problems, None, offsets  # an append: only the new records were read
    digest = hashlib.sha256()
    try:
        with open(p, "rb") as f:
            stream = f if end is None else _Upto(f, end)
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        problems.append(one_line(f"unreadable: {exc.strerror}"))
    return path, problems, digest.hexdigest(), offsets


def check_files(
    paths: list[Path],
    jobs: int,
    progress: Callable[[str], None] | None = None,
    starts: dict[str, int] | None = None,
    ends: dict[str, int] | None = None,
) -> dict[str, Checked]:
    """Check files (each from its byte in `starts`, default 0, to its byte in `ends`, default the end),
    in a process pool when there are several and more than one core to use.

    `progress(name)` is called for each file as it is taken up (serial) or finished (pool).
    """
    starts, ends = starts or {}, ends or {}
    results = []
    if jobs <= 1 or len(paths) < 3:
        for p in paths:
            if progress:
                progress(p.name)
            results.append(_check_in_worker(str(p), starts.get(str(p), 0), ends.get(str(p))))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            args = [str(p) for p in paths]
            for result in pool.map(
                _check_in_worker,
                args,
                [starts.get(a, 0) for a in args],
                [ends.get(a) for a in args],
                chunksize=max(1, len(paths) // (jobs * 8)),
            ):
                if progress:
                    progress(Path(result[0]).name)
                results.append(result)
    return {path: (problems, digest, offsets) for path, problems, digest, offsets in results}


def stored_files(data_dir: Path) -> list[Path]:
    """Every WARC file under the data dir (the preservation master; WACZs are built from it)."""
    found = sorted((data_dir / "warc").rglob("*.warc.gz"))
    return [p for p in found if not any(part.startswith(".") for part in p.relative_to(data_dir).parts)]


def in_scope(scope: dict[str, int] | None) -> ColumnElement[bool]:
    """Captures stored in the re-checked WARC files, from each file's first re-checked byte (all: None)."""
    if scope is None:
        return true()
    return or_(
        false(), *(and_(Capture.warc_path == rel, Capture.warc_offset >= start) for rel, start in sorted(scope.items()))
    )


def check_catalogue(data_dir: Path, catalogue: Catalogue, scope: dict[str, int] | None = None) -> list[Problem]:
    """Read back each capture's response record (only those `in_scope`)."""
    problems: list[Problem] = []
    with catalogue.session() as s:
        captures = list(s.scalars(select(Capture).where(in_scope(scope))))
    for c in captures:
        try:
            record = read_response(locate(data_dir, c.warc_path), c.warc_offset)
        except Exception as exc:  # any failure to read back is the finding
            problems.append(
                Problem(
                    str(locate(data_dir, c.warc_path)), one_line(f"capture {c.id} ({c.url}) cannot be read back: {exc}")
                )
            )
            continue
        if payload_sha256(record.raw_payload) != c.payload_sha256:
            problems.append(
                Problem(
                    str(locate(data_dir, c.warc_path)),
                    f"capture {c.id} ({c.url}) payload digest differs from the catalogue",
                )
            )
    return problems


def check_missing(data_dir: Path, catalogue: Catalogue) -> list[Problem]:
    """WARC files the catalogue lists that are gone from disk (a stat each), or uploaded objects that are gone or
    not their committed size (a HEAD each)."""
    with catalogue.session() as s:
        warcs = list(s.execute(select(WarcFile.path, WarcFile.committed_size)))
    problems = []
    for p, size in warcs:
        if not is_object(p):
            if not (data_dir / p).exists():
                problems.append(
                    Problem(
                        str(data_dir / p), "listed in the catalogue but missing from disk: restore it from a backup"
                    )
                )
        elif not exists(p):
            problems.append(
                Problem(
                    p,
                    "listed in the catalogue but missing from object storage: restore it from the uploading worker's"
                    " local copy or a backup",
                )
            )
        elif (stored := _object_size(p)) != size:
            problems.append(
                Problem(
                    p,
                    f"object is {stored} bytes, not its committed {size}: restore it from the uploading worker's local"
                    " copy",
                )
            )
    return problems


def _object_size(uri: str) -> int | None:
    return store_for(uri).size(uri)


def capture_index(data_dir: Path, capture: Capture) -> dict[str, str]:
    """The URLs the capture's WACZ index will answer for, with their HTTP status: its response records
    (the page and each 3xx hop), read from the WARC block the WACZ is built from."""
    index: dict[str, str] = {}
    for record, _rel, _length, _payload in block_records(
        locate(data_dir, capture.warc_path), capture.warc_offset, len(capture.redirects or [])
    ):
        if record.rec_type == "response" and record.http_headers is not None:
            index[record.rec_headers.get_header("WARC-Target-URI")] = record.http_headers.get_statuscode()
    return index


def check_references(data_dir: Path, catalogue: Catalogue, scope: dict[str, int] | None = None) -> list[Problem]:
    """Every stub reference URL must resolve in its capture's WACZ (the index built from its records).

    A reference to the URL its capture requested, which redirected, resolves through the
    3xx hop records (see `resolves` for captures stored before hops were written).
    """
    with catalogue.session() as s:
        query = (
            select(StubReference.url, Stub.stub_id, Capture)
            .join(Stub, Stub.id == StubReference.stub_pk)
            .join(Capture, Capture.id == StubReference.capture_id)
            .where(in_scope(scope))
        )
        rows = list(s.execute(query))
    problems: list[Problem] = []
    indexes: dict[int, dict[str, str] | None] = {}
    for url, stub_id, capture in rows:
        if capture.id not in indexes:
            try:
                indexes[capture.id] = capture_index(data_dir, capture)
            except Exception:  # unreadable: reported by the read-back and digest checks
                indexes[capture.id] = None
        urls = indexes[capture.id]
        if urls is not None and not resolves(url, capture.url, capture.final_url, urls):
            problems.append(
                Problem(
                    str(locate(data_dir, capture.warc_path)),
                    f"stub {stub_id} cites {url}, which the WACZ of capture {capture.id} would not resolve",
                )
            )
    return problems


def _package_in_worker(data_dir: str, capture: dict[str, Any], report: dict[str, Any] | None) -> tuple[int, list[str]]:
    """Pool entry point: build one capture's WACZ in a temporary folder and check it."""
    try:
        with temporary_wacz(Path(data_dir), Capture(**capture), report) as path:
            return capture["id"], [one_line(m) for m in check_wacz(path)]
    except Exception as exc:  # a capture whose WACZ cannot be built is the finding
        return capture["id"], [one_line(f"cannot build its WACZ: {exc}")]


PACKAGE_FIELDS = ("id", "url", "final_url", "warc_path", "warc_offset", "warc_record_id", "warc_date", "redirects")


def check_packages(
    data_dir: Path,
    catalogue: Catalogue,
    scope: dict[str, int] | None,
    jobs: int,
    progress: Callable[[str], None] | None = None,
) -> list[Problem]:
    """Build the WACZ of each capture `in_scope` and validate it, in a process pool."""
    with catalogue.session() as s:
        query = (
            select(Capture, ReportRow.data)
            .outerjoin(ReportRow, ReportRow.capture_id == Capture.id)
            .where(in_scope(scope))
            .order_by(Capture.id)
        )
        work = [({f: getattr(c, f) for f in PACKAGE_FIELDS}, report) for c, report in s.execute(query)]
    problems: list[Problem] = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_package_in_worker, str(data_dir), capture, report) for capture, report in work]
        for (capture, _), future in zip(work, futures, strict=True):
            capture_id, found = future.result()
            if progress:
                progress(f"capture {capture_id}")
            problems += [
                Problem(
                    str(locate(data_dir, capture["warc_path"])), f"WACZ of capture {capture_id} ({capture['url']}): {m}"
                )
                for m in found
            ]
    return problems


def _record(
    catalogue: Catalogue,
    data_dir: Path,
    checked: dict[str, Checked],
    stats: dict[str, os.stat_result],
    ends: dict[str, int],
) -> None:
    now = utcnow()
    with catalogue.session() as s:
        rows = {
            r.path: r
            for r in s.scalars(select(VerifiedFile).where(VerifiedFile.path.in_([_rel(data_dir, p) for p in checked])))
        }
        for path, (problems, digest, _offsets) in checked.items():
            rel, st = _rel(data_dir, path), stats[path]
            row = rows.get(rel)
            if row is None:
                row = VerifiedFile(path=rel)
                s.add(row)
            row.size, row.mtime_ns, row.ok, row.verified_at = (
                ends.get(path, st.st_size),
                st.st_mtime_ns,
                not problems,
                now,
            )
            row.sha256 = digest or row.sha256 or ""  # an append keeps the digest of the last whole read


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
    packages: bool = False,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Check the given files; or what changed under the data dir since the last run (all of it with `everything`).

    A file is "changed" when its size or mtime differ from what the last verify
    recorded, or it did not pass then. WARC files are append-only: one that passed and
    has grown since is read from where that verify ended (its new records, and the
    captures stored in them); `everything` reads every file whole. The catalogue checks (read-back of
    captures, stub references resolving in their captures' WACZ index, and with
    `packages` each capture's WACZ built and validated) cover the captures in the
    re-checked files; the check that every WARC the catalogue lists still exists runs every time.
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
    ends: dict[str, int] = {}  # a catalogued WARC is whole up to its committed size (archive/warc.py)
    committed: dict[str, int] = {}
    if catalogue is not None:
        with catalogue.read_session() as s:
            committed = {path: size for path, size in s.execute(select(WarcFile.path, WarcFile.committed_size))}
            if not everything:
                known = {
                    path: (size, mtime, ok)
                    for path, size, mtime, ok in s.execute(
                        select(VerifiedFile.path, VerifiedFile.size, VerifiedFile.mtime_ns, VerifiedFile.ok)
                    )
                }
        ends = {
            str(p): min(committed[_rel(data_dir, p)], stats[str(p)].st_size)
            for p in files
            if _rel(data_dir, p) in committed
        }
    todo, starts = [], {}
    for p in files:
        st, seen = stats[str(p)], known.get(_rel(data_dir, p))
        size = ends.get(str(p), st.st_size)
        if not everything and seen == (size, st.st_mtime_ns, True):
            continue
        todo.append(p)
        if not everything and seen is not None and seen[2] and size > seen[0]:
            starts[str(p)] = seen[0]  # a WARC only grows: read the records appended since it passed
    results = check_files(todo, jobs, progress, starts, ends)
    for p in todo:
        if catalogue is not None and committed.get(_rel(data_dir, p), 0) > stats[str(p)].st_size:
            short = committed[_rel(data_dir, p)] - stats[str(p)].st_size
            results[str(p)][0].append(
                f"{short} byte(s) shorter than the catalogue's committed size: stored records were lost; restore it"
                " from a backup"
            )
    if catalogue is not None:
        _uncatalogued_records(data_dir, catalogue, todo, results, committed, ends)
    for p in todo:
        report.checked.append(str(p))
        report.problems += [Problem(str(p), m) for m in results[str(p)][0]]
    report.skipped = len(files) - len(todo)
    if catalogue is None:
        return report
    report.problems += check_unknown(data_dir, catalogue, files, committed, stats, tails=everything)
    report.problems += check_missing(data_dir, catalogue)
    report.problems += _check_quarantine(data_dir, catalogue, report.notes, everything)
    scope = None if everything else {_rel(data_dir, p): starts.get(str(p), 0) for p in todo}
    report.problems += check_catalogue(data_dir, catalogue, scope)
    report.problems += check_references(data_dir, catalogue, scope)
    if packages:
        report.problems += check_packages(data_dir, catalogue, scope, jobs, progress)
    _record(catalogue, data_dir, results, stats, ends)
    return report


REINDEX = "run `takedowns archive reindex`"


def _lacking(catalogue: Catalogue, found: list[FoundCapture]) -> list[FoundCapture]:
    """The captures no row describes, by place (file and offset) or by content (URL, payload digest, kind)."""
    lacking = []
    with catalogue.read_session() as s:
        for c in found:
            at = select(Capture.id).where(Capture.warc_path == c.warc_path, Capture.warc_offset == c.warc_offset)
            same = select(Capture.id).where(
                Capture.url == c.url, Capture.payload_sha256 == c.payload_sha256, Capture.rendered == c.rendered
            )
            if s.scalar(at.limit(1)) is None and s.scalar(same.limit(1)) is None:
                lacking.append(c)
    return lacking


def _describe_lacking(lacking: list[FoundCapture], where: str) -> str:
    first = lacking[0]
    return (
        f"{len(lacking)} capture(s) {where} have no catalogue row"
        f" (the first: {first.url} at offset {first.warc_offset}): {REINDEX}"
    )


def _uncatalogued_records(
    data_dir: Path,
    catalogue: Catalogue,
    todo: list[Path],
    results: dict[str, Checked],
    committed: dict[str, int],
    ends: dict[str, int],
) -> None:
    """Add a problem to each catalogued file read whose captures (in the bytes read) a catalogue row lacks."""
    for p in todo:
        rel = _rel(data_dir, p)
        read = results[str(p)][2]
        if rel not in committed or not read:
            continue
        with catalogue.read_session() as s:  # only the rows in the bytes read: an append's, not a whole file's
            rows = set(
                s.scalars(select(Capture.warc_offset).where(Capture.warc_path == rel, Capture.warc_offset >= min(read)))
            )
        offsets = [o for o in read if o not in rows]
        if offsets:
            found = [c for c in scan_warc(p, rel, min(offsets), ends.get(str(p))).captures if c.warc_offset in offsets]
            lacking = _lacking(catalogue, found)
            if lacking:
                results[str(p)][0].append(_describe_lacking(lacking, "in this file"))


def check_unknown(
    data_dir: Path,
    catalogue: Catalogue,
    files: list[Path],
    committed: dict[str, int],
    stats: dict[str, os.stat_result],
    tails: bool,
) -> list[Problem]:
    """WARC files the catalogue does not list, and (`tails`) bytes past a file's committed size,
    that hold captures it lacks.

    A killed writer's torn append or never-committed new file holds none (its capture is
    stored again by the next run) and is no problem; whole captures there mean catalogue
    rows were lost (issue 26: an emptied catalogue once passed as "all good").
    """
    problems: list[Problem] = []
    for p in files:
        rel = _rel(data_dir, p)
        if rel not in committed:
            lacking = _lacking(catalogue, scan_warc(p, rel).captures)
            if lacking:
                problems.append(
                    Problem(str(p), _describe_lacking(lacking, "in this file, which the catalogue does not list,"))
                )
        elif tails and stats[str(p)].st_size > committed[rel]:
            lacking = _lacking(catalogue, scan_warc(p, rel, committed[rel]).captures)
            if lacking:
                problems.append(Problem(str(p), _describe_lacking(lacking, "past its committed size")))
    return problems


def _check_quarantine(data_dir: Path, catalogue: Catalogue, notes: list[str], everything: bool) -> list[Problem]:
    """Files moved into quarantine: a problem while they hold captures the catalogue lacks, else a note.

    A tail (bytes past a file's committed size) usually holds the capture a killed writer never committed,
    which its next run stores again: without `everything` its lacking captures are a note, not a problem.

    A file found to hold nothing the catalogue lacks is recorded in `verified_files` (ok) and, while its size
    and mtime stay the same, not read again but by `--all` (rows are only ever added, so it stays so).
    """
    files = quarantine.quarantined(data_dir)
    if not files:
        return []
    rels = {str(p): _rel(data_dir, p) for p in files}
    with catalogue.read_session() as s:
        seen = {
            r.path: (r.size, r.mtime_ns, r.ok)
            for r in s.scalars(select(VerifiedFile).where(VerifiedFile.path.in_(list(rels.values()))))
        }
    problems: list[Problem] = []
    passed: dict[str, os.stat_result] = {}
    for p in files:
        st = p.stat()
        if not everything and seen.get(rels[str(p)]) == (st.st_size, st.st_mtime_ns, True):
            lacking: list[FoundCapture] = []
        else:
            lacking = _lacking(
                catalogue, scan_warc(p, f"warc/{p.name}").captures
            )  # where `archive reindex` would bring it back
        if lacking and (everything or not quarantine.is_tail(p)):
            problems.append(Problem(str(p), _describe_lacking(lacking, "in this file, moved into quarantine,")))
        elif lacking:  # a killed writer's append, which its next run stores again: a problem for --all only
            notes.append(f"{p}: {_describe_lacking(lacking, 'in this tail moved into quarantine')}")
        else:
            notes.append(f"{p}: moved into quarantine; holds no capture the catalogue lacks (kept: nothing is deleted)")
            passed[str(p)] = st
    if passed:
        _record(catalogue, data_dir, {path: ([], None, []) for path in passed}, passed, {})
    return problems
