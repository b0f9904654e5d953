"""WARC files: append request/response pairs safely, read payloads back by offset.

Safety model (a capture is written before anything else happens to it, a crash never
leaves a torn record behind, and no code deletes a WARC or writes over its bytes):

* every append happens under an exclusive `flock` on `<warc_dir>/.lock`, so
  several processes (daemon, one-off `fetch`) can share the folder;
* the catalogue's `warc_files.committed_size` says how many bytes of a file are
  whole, catalogued records; a file is appended to only when it is exactly that
  long. Bytes past it (a tail torn by a killed writer, or records whose catalogue
  rows were lost) are first moved into quarantine; a shorter file (cut, damaged) is
  never written again: the next capture starts a new file, and the damage is logged
  and reported by `archive verify` (issue 26: appending used to `ftruncate` a cut file
  back up with zeros and write after them, and cut whole records from a longer one);
* the pair is written with one `write` and `fsync`ed, then the caller's
  catalogue rows and the new committed size are committed in one transaction,
  and only then is the lock released: no other process can move or append past
  bytes that are written but not yet committed (issue 11);
* `recover()` (daemon start) moves what no committed row accounts for into
  `<data>/quarantine/` (archive/quarantine.py): whole files the catalogue does not
  list, and the bytes past a file's committed size. Nothing is deleted; `archive reindex`
  catalogues the whole records they hold (archive/reindex.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from . import objectstore, quarantine
from .catalogue import Catalogue
from .clock import utcnow
from .errors import ArchiveError, UnreadableRecord
from .records import FetchResult
from .tables import Capture, WarcFile
from .warcscan import FETCHED_AT_HEADER, HOP_HEADER, fetched_at_value

T = TypeVar("T")
log = logging.getLogger("takedowns.archive")


def _software() -> str:
    """Names the writer in each warcinfo record, from the installed distribution (not from scraper/)."""
    try:
        return f"takedown-archiver/{metadata.version('takedown-archiver')}"
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "takedown-archiver"


SOFTWARE = _software()

# Hop-by-hop framing that no longer describes the stored (de-chunked) payload.
_RENAMED_HEADERS = {"transfer-encoding"}


@dataclass(frozen=True)
class StoredRecord:
    path: str  # relative to the data dir
    offset: int  # of the response record
    length: int  # compressed length of the response record
    record_id: str
    warc_date: str
    payload_sha256: str


@dataclass(frozen=True)
class ResponseRecord:
    status: int
    headers: list[tuple[str, str]]
    raw_payload: bytes  # as transmitted (content-encoded), de-chunked
    warc_date: str
    target_uri: str


def payload_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class WarcStore:
    def __init__(
        self, data_dir: Path, catalogue: Catalogue, max_file_bytes: int, objects: objectstore.S3Store | None = None
    ):
        self.data_dir = data_dir
        self.warc_dir = data_dir / "warc"
        self.catalogue = catalogue
        self.max_file_bytes = max_file_bytes
        self.objects = objects or objectstore.current()  # None: the local folder is the store (the default)
        try:
            self.warc_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(
                dir=self.warc_dir
            ):  # a nameless probe: nothing in the folder is ever removed by name
                pass
        except OSError as exc:
            raise ArchiveError(
                f"data folder {self.warc_dir} is not writable ({exc.strerror}): "
                "fix its permissions or set [data] dir in the config"
            ) from None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The store's exclusive lock: no writer is between an append and its commit while it is held."""
        with open(self.warc_dir / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def recover(self) -> list[str]:
        """Move aside what no committed catalogue row accounts for; return what was found and done, one line each.

        Under the store's lock no writer is between append and commit (writers hold the
        lock until their transaction commits), so a `.warc.gz` file with no `warc_files`
        row was made by a process killed before its first commit, or its rows were lost
        (an emptied or new catalogue); bytes past `committed_size` are a killed writer's
        torn append, or records whose rows were lost. Either way they go to quarantine
        whole, never away. A file shorter than its committed size lost records: it is
        reported and left alone (the next capture goes to a new file).
        """
        done: list[str] = []
        with self.locked(), self.catalogue.session() as s:
            known = {w.path: w.committed_size for w in s.scalars(select(WarcFile))}
            uploaded = {objectstore.local_name(p) for p in known if objectstore.is_object(p)}
            for path in sorted(self.warc_dir.glob("*.warc.gz")):
                rel = f"warc/{path.name}"
                if rel in uploaded:
                    continue  # the kept local copy of a file uploaded whole (archive/objectstore.py)
                if rel not in known:
                    size = path.stat().st_size
                    target = quarantine.move_aside(self.data_dir, path)
                    done.append(
                        f"moved {rel} ({size} bytes) to {target.relative_to(self.data_dir).as_posix()}: the catalogue"
                        " lists no such file"
                        " (its rows were lost, or its writer was killed before its first commit); nothing was deleted:"
                        " `takedowns archive reindex` catalogues the captures it holds"
                    )
                    continue
                size = path.stat().st_size
                if size > known[rel]:
                    target = quarantine.set_tail_aside(self.data_dir, path, known[rel])
                    done.append(
                        f"moved the {size - known[rel]} byte(s) of {rel} past its committed size to"
                        f" {target.relative_to(self.data_dir).as_posix()}: a torn append of a killed writer, or records"
                        " whose"
                        " catalogue rows were lost; `takedowns archive reindex` catalogues whole captures in it"
                    )
                elif size < known[rel]:
                    done.append(
                        f"{rel} is {known[rel] - size} byte(s) shorter than its committed size: stored records were"
                        " lost;"
                        " restore it from a backup (new captures go to a new file; `takedowns archive verify` lists"
                        " what is unreadable)"
                    )
        return done

    def write_exchange(
        self,
        result: FetchResult,
        before_write: Callable[[Session], T | None],
        after_write: Callable[[Session, StoredRecord], T],
        build: Callable[[str], tuple[bytes, StoredRecord]] | None = None,
    ) -> tuple[T, bool]:
        """Append `result` unless `before_write` already finds it stored.

        `before_write(session)` runs under the lock first; if it returns a value,
        nothing is written and `(value, False)` comes back (a catalogue hit).
        Otherwise the records are appended and `after_write(session, stored)` adds
        the catalogue rows in the same transaction that commits the new size.
        `build(rel_path)` replaces the request/response pair (a rendered page's block).
        The block is built (gzipped) before the locks are taken, so other writers and the
        catalogue's write lock wait only for the append, its fsync and the commit.
        """
        block, stored = build("") if build else _build_pair(result, "")
        with self.locked():
            with self.catalogue.session() as s:
                existing = before_write(s)
                if existing is not None:
                    return existing, False
                warc = self._current_file(s)
                full_path = self.data_dir / warc.path
                self._append(full_path, warc.committed_size, block)
                stored = replace(stored, path=warc.path, offset=warc.committed_size)
                warc.committed_size += len(block)
                value = after_write(s, stored)
                s.flush()
                full = warc.path if warc.committed_size >= self.max_file_bytes else None
        if full and self.objects is not None:
            # The file is full (rows committed above): nothing is appended to it again, so it is uploaded outside
            # the store's lock, and this process's other captures are stored meanwhile rather than wait for it.
            self._upload_quietly(full)
        return value, True

    def upload_pending(self) -> list[str]:
        """Upload every catalogued WARC of this data folder not yet in object storage, the current one too
        (sealing it: the next capture starts a new file); return one line per file."""
        if self.objects is None:
            raise ArchiveError(
                '[storage] kind is "local": there is no object storage to upload to; set [storage] kind = "s3"'
            )
        done = []
        with self.locked():
            with self.catalogue.read_session() as s:
                pending = [
                    w.path
                    for w in s.scalars(
                        select(WarcFile).where(WarcFile.path.not_like(f"{objectstore.SCHEME}%")).order_by(WarcFile.id)
                    )
                ]
            for rel in pending:
                if (self.data_dir / rel).exists():
                    done.append(f"{rel} -> {self._upload(rel).uri}")
        return done

    def _upload_quietly(self, rel: str) -> None:
        """A failed upload leaves the file local and catalogued as it was; the next rollover or
        `archive upload` retries it."""
        try:
            self._upload(rel)
        except Exception as exc:  # network, credentials, a mismatch: nothing stored changes
            log.warning(
                "upload of %s failed (%s); it stays local and catalogued, and is uploaded again by `takedowns archive"
                " upload`",
                rel,
                (str(exc).splitlines() or [exc.__class__.__name__])[0][:200],
            )

    def _upload(self, rel: str) -> objectstore.Uploaded:
        """Upload `rel` whole, verify it, then point its rows at the object in one transaction (a file still being
        appended to is uploaded under the store's lock, `upload_pending`; a full one needs none).

        Until that commit the catalogue names the local file, so a worker killed mid-upload loses
        nothing (the object, whole or partial, is written over by the next upload). The local file
        is kept: no code path deletes a WARC.
        """
        assert self.objects is not None
        with self.catalogue.read_session() as s:
            size = s.scalar(select(WarcFile.committed_size).where(WarcFile.path == rel))
        if size is None:
            raise ArchiveError(f"{rel} is not in the catalogue: nothing uploaded")
        done = self.objects.upload(self.data_dir / rel, size, rel)
        with self.catalogue.session() as s:
            s.execute(update(Capture).where(Capture.warc_path == rel).values(warc_path=done.uri))
            s.execute(
                update(WarcFile).where(WarcFile.path == rel, WarcFile.committed_size == size).values(path=done.uri)
            )
        log.info("uploaded %s to %s (%d bytes, sha256 %s)", rel, done.uri, size, done.sha256)
        return done

    def _current_file(self, s: Session) -> WarcFile:
        """The newest file if it has room and holds no bytes the catalogue does not account for; else a new one.

        Never append after bytes the catalogue does not account for. A longer file holds a
        killed writer's torn append (or records whose rows were lost): those bytes are moved
        into quarantine first, then the file is appended to. A shorter file was cut (its tail
        is gone, and writing at the committed size would leave zeros in the gap): it is never
        written again.
        """
        warc = self._newest_own(s)
        if warc is not None and warc.committed_size < self.max_file_bytes:
            path = self.data_dir / warc.path
            try:
                size: int | None = path.stat().st_size
            except FileNotFoundError:
                size = None
            if size is not None and size > warc.committed_size:
                target = quarantine.set_tail_aside(self.data_dir, path, warc.committed_size)
                log.warning(
                    "moved the %d byte(s) of %s past its committed size to %s (a killed writer's torn append;"
                    " `takedowns archive reindex` catalogues any whole capture in it)",
                    size - warc.committed_size,
                    warc.path,
                    target.relative_to(self.data_dir).as_posix(),
                )
                size = warc.committed_size
            if size == warc.committed_size:
                return warc
            state = (
                "is missing"
                if size is None
                else (
                    f"is {warc.committed_size - size} byte(s) shorter than its committed size (records were lost:"
                    " restore it from a backup)"
                )
            )
            log.warning("%s %s; new captures go to a new file", warc.path, state)
        return self._new_file(s)

    def _newest_own(self, s: Session) -> WarcFile | None:
        """The newest catalogued WARC this store may append to: never an uploaded (sealed) one; with object
        storage, only one in this data folder (other workers' files are theirs)."""
        local = select(WarcFile).where(WarcFile.path.not_like(f"{objectstore.SCHEME}%")).order_by(WarcFile.id.desc())
        if self.objects is None:
            return s.scalar(local.limit(1))
        for warc in s.scalars(local.limit(100)):
            if (self.data_dir / warc.path).exists():
                return warc
        return None

    def _new_file(self, s: Session) -> WarcFile:
        now = datetime.now(UTC)
        name = f"takedowns-{now:%Y%m%d%H%M%S%f}-{os.getpid()}.warc.gz"
        rel = f"warc/{name}"
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        info = {
            "software": SOFTWARE,
            "format": "WARC File Format 1.1",
            "hostname": socket.gethostname(),
            "description": "influence-operation takedown reports",
        }
        writer.write_record(writer.create_warcinfo_record(name, info))
        data = buf.getvalue()
        path = self.data_dir / rel
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        warc = WarcFile(path=rel, committed_size=len(data), created_at=utcnow())
        s.add(warc)
        s.flush()
        return warc

    @staticmethod
    def _append(path: Path, committed_size: int, block: bytes) -> None:
        fd = os.open(path, os.O_WRONLY)
        try:
            if (
                os.fstat(fd).st_size != committed_size
            ):  # `_current_file` checked it under this lock: a bug if it differs
                raise ArchiveError(
                    f"{path} changed size under the WARC lock: nothing was written; run `takedowns archive verify`"
                )
            os.lseek(fd, committed_size, os.SEEK_SET)
            view = memoryview(block)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)


# HOP_HEADER (archive/warcscan.py): on hop records, the record id of the capture's final response.


def _warc_date(when: datetime) -> str:
    # Second precision: WACZ pages.jsonl and Wayback timestamps use it, so `ts` can equal WARC-Date.
    return str(datetime_to_iso_date(when.replace(microsecond=0)))


def write_hops(writer: WARCWriter, result: FetchResult, headers: dict[str, str]) -> None:
    """The redirect hops before `result`, each a 3xx response and its request, carrying `headers` (which page they
    lead to); a plain capture and a browser capture write them alike."""
    for hop in result.redirects:
        _write_exchange(
            writer,
            hop.url,
            hop.status,
            hop.http_version,
            hop.response_headers or [("Location", hop.location)],
            hop.body,
            result.request_method,
            hop.request_headers,
            _warc_date(hop.fetched_at or result.fetched_at),
            headers,
        )


def _write_exchange(
    writer: WARCWriter,
    url: str,
    status: int,
    http_version: str,
    response_headers: list[tuple[str, str]],
    body: bytes,
    request_method: str,
    request_headers: list[tuple[str, str]],
    warc_date: str,
    extra: dict[str, str],
    fetched_at: datetime | None = None,
) -> tuple[str, int]:
    """Write one response record and its request record; return the response's record id and
    where its (gzip member) record ends in the writer's output."""
    headers = [(f"X-Archive-Orig-{k}" if k.lower() in _RENAMED_HEADERS else k, v) for k, v in response_headers]
    http_headers = StatusAndHeaders(f"{status} {_reason_phrase(status)}", headers, protocol=http_version)
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Date": warc_date,
            **extra,
            **({FETCHED_AT_HEADER: fetched_at_value(fetched_at)} if fetched_at else {}),
        },
    )
    writer.write_record(response)
    response_end: int = writer.out.tell()
    record_id: str = response.rec_headers.get_header("WARC-Record-ID")
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"{request_method} {_request_target(url)} {http_version}", request_headers, is_http_request=True
        ),
        warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id, **extra},
    )
    writer.write_record(request)
    return record_id, response_end


def _build_pair(result: FetchResult, rel_path: str) -> tuple[bytes, StoredRecord]:
    """Serialise the final response and request records, then one pair per redirect hop.

    The hops (3xx answers with their Location header) make the URL that was asked
    for replayable: pywb and ReplayWeb.page follow the stored redirect to the final
    page. They come after the final pair so the catalogue's offset still points at
    the final response, and carry HOP_HEADER so the WACZ builder can collect them.
    """
    warc_date = _warc_date(result.fetched_at)
    writer_buf = io.BytesIO()
    writer = WARCWriter(writer_buf, gzip=True, warc_version="1.1")
    record_id, response_length = _write_exchange(  # the response is the block's first record
        writer,
        result.final_url,
        result.status,
        result.http_version,
        result.response_headers,
        result.body,
        result.request_method,
        result.request_headers,
        warc_date,
        {},
        result.fetched_at,  # to the microsecond, so `archive reindex` restores the catalogue's fetched_at exactly
    )
    write_hops(writer, result, {HOP_HEADER: record_id})
    block = writer_buf.getvalue()
    stored = StoredRecord(
        path=rel_path,
        offset=0,
        length=response_length,
        record_id=record_id,
        warc_date=warc_date,
        payload_sha256=payload_sha256(result.body),
    )
    return block, stored


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def read_response(path: Path | str, offset: int) -> ResponseRecord:
    """Read the response record starting at `offset` of the WARC at `path`."""
    with reading(path, offset):
        with objectstore.open_warc(path) as f:
            f.seek(offset)
            return _response(f, f"{path} offset {offset}")


@contextmanager
def reading(path: Path | str, offset: int) -> Iterator[None]:
    """Any failure to read the record at `offset` of `path` as one UnreadableRecord naming both
    (exit 4, never a traceback)."""
    try:
        yield
    except UnreadableRecord:
        raise
    except FileNotFoundError:
        raise UnreadableRecord(
            f"WARC file {path} is missing (a capture at offset {offset}): restore it from a backup; `takedowns archive"
            " verify` lists what is affected"
        ) from None
    except StopIteration:
        raise UnreadableRecord(
            f"WARC file {path} has no record at offset {offset} (cut short?): run `takedowns archive verify`"
        ) from None
    except ArchiveError:
        raise
    except Exception as exc:  # warcio's "Unknown archive format", zlib and EOF errors, a torn gzip member...
        detail = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:120]
        if "first line" in detail or "Unknown archive format" in detail:
            detail = "what is there is not a WARC record"
        raise UnreadableRecord(
            f"cannot read the record at offset {offset} of WARC file {path} ({detail}): it is damaged; run `takedowns"
            " archive verify`"
        ) from None


def block_response(block: bytes) -> ResponseRecord:
    """The response record a block built for appending starts with, read as `read_response` reads it
    from the file: what a worker extracts is the bytes the WARC will hold."""
    return _response(io.BytesIO(block), "the block to append")


def build_exchange(result: FetchResult) -> tuple[bytes, StoredRecord]:
    """The gzipped records of one exchange, ready to append (`WarcStore.write_exchange`'s `build`): a pure
    function of the fetch, so a worker process can build them."""
    return _build_pair(result, "")


def _response(stream: IO[bytes], where: str) -> ResponseRecord:
    record: ArcWarcRecord = next(iter(ArchiveIterator(stream)))
    if record.rec_type != "response":
        raise UnreadableRecord(f"{where}: expected a response record, found {record.rec_type}")
    raw = record.raw_stream.read()
    http = record.http_headers
    return ResponseRecord(
        status=int(http.get_statuscode()),
        headers=list(http.headers),
        raw_payload=raw,
        warc_date=record.rec_headers.get_header("WARC-Date"),
        target_uri=record.rec_headers.get_header("WARC-Target-URI"),
    )
