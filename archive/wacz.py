"""One WACZ per report capture, written with py-wacz.

The package holds the capture's response and request records and its redirect
hops (each 3xx as its own response/request pair), copied byte for byte from the main WARC, plus a `metadata` record (URI `urn:takedowns:report:<id>`,
never the page URL) carrying the extracted Report; `pages/pages.jsonl` has one
entry whose `ts` equals the response record's WARC-Date, with title and text.
py-wacz adds the CDXJ index and `datapackage.json` with hashes; we add the
report's `title`, `mainPageUrl` and `mainPageDate` to it (and re-hash the digest). Files are
written to a temporary folder and renamed into place, so a WACZ is whole or absent.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

from warcio.warcwriter import WARCWriter

from . import warcio_codings
from .catalogue import Catalogue, utcnow
from .errors import ArchiveError
from .tables import Capture, WaczFile

SHARD_SIZE = 1000  # WACZs per folder under wacz/: 100k reports make 100 folders, not one of 100k files
TEMP_PREFIX = ".wacz-"  # + "<pid>-": the folder a WACZ is built in before it is renamed into place
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


def capture_record_bytes(warc_path: Path, offset: int, hops: int = 0) -> bytes:
    """The gzip members of a capture: its response and request records, its `hops` redirect
    hops (each a 3xx response + request after the final pair), or a rendered page's whole block.

    The hops let replay resolve the URL that was asked for.
    """
    from .render_records import block_records

    end = 0
    for count, (record, rel, length, _) in enumerate(block_records(warc_path, offset, hops)):
        if count == 0 and record.rec_type != "response":
            raise ArchiveError(f"{warc_path} offset {offset}: no response record there")
        end = rel + length
    with open(warc_path, "rb") as f:
        f.seek(offset)
        return f.read(end)


def report_metadata_record(capture: Capture, report: dict | None) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    payload = json.dumps({"capture_id": capture.id, "url": capture.url, "report": report}, ensure_ascii=False, default=str).encode()
    # A record id derived from the content, not random, so the same capture and report build the same bytes.
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:takedowns:report:{capture.id}#{hashlib.sha256(payload).hexdigest()}")
    record = writer.create_warc_record(
        f"urn:takedowns:report:{capture.id}",
        "metadata",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Refers-To": capture.warc_record_id, "WARC-Date": capture.warc_date, "WARC-Record-ID": f"<urn:uuid:{record_id}>"},
    )
    writer.write_record(record)
    return buf.getvalue()


def page_entry(capture: Capture, report: dict | None) -> dict:
    entry = {"id": f"capture-{capture.id}", "url": capture.final_url, "ts": capture.warc_date}  # py-wacz would draw a random id
    if report:
        entry["title"] = report.get("title") or ""
        entry["text"] = report.get("text") or ""
    return entry


def build_wacz(data_dir: Path, capture: Capture, report: dict | None, output: Path) -> None:
    """Write the WACZ of `capture` to `output` atomically."""
    from wacz.main import main as wacz_main

    warcio_codings.install()  # py-wacz's indexer decodes each record's Content-Encoding through warcio
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-") as tmp:
        work = Path(tmp)
        warc = work / "data.warc.gz"
        warc.write_bytes(capture_record_bytes(data_dir / capture.warc_path, capture.warc_offset, len(capture.redirects or [])) + report_metadata_record(capture, report))
        pages = work / "pages.jsonl"
        pages.write_text(json.dumps(PAGES_HEADER) + "\n" + json.dumps(page_entry(capture, report), ensure_ascii=False) + "\n", encoding="utf-8")
        built = work / "capture.wacz"
        noise = io.StringIO()
        with contextlib.redirect_stdout(noise), contextlib.redirect_stderr(noise):
            rc = wacz_main(["create", "-o", str(built), "-p", str(pages), str(warc)])
        if rc not in (0, None) or not built.exists():
            raise ArchiveError(f"could not build the WACZ of capture {capture.id}: {noise.getvalue().strip()[-300:]}")
        built = describe_package(built, package_metadata(capture, report))
        with open(built, "rb") as f:
            os.fsync(f.fileno())
        os.replace(built, output)


def package_metadata(capture: Capture, report: dict | None) -> dict[str, str]:
    """What replay tools show for the package: the report's title and its main page (WACZ 1.1.1 names)."""
    title = (report or {}).get("title") or capture.final_url
    return {"title": title, "mainPageUrl": capture.final_url, "mainPageDate": capture.warc_date}


def describe_package(wacz: Path, extra: dict[str, str]) -> Path:
    """Add `extra` to the WACZ's datapackage.json and re-sign datapackage-digest.json to match.

    py-wacz has no option for the title and main page without re-reading the
    index (and spells the key `mainPageURL`), so the two small JSON members are
    rewritten here; every other member's bytes are copied unchanged. The build is
    made reproducible too: py-wacz stamps the clock into each member's zip time and
    the package's `created`; both become the capture's date (`mainPageDate`), so
    rebuilding a capture's WACZ gives the same bytes and digest.
    """
    stamp = _zip_time(extra["mainPageDate"])
    out = wacz.with_name(wacz.name + ".described")
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(out, "w") as dst:
        package = json.loads(src.read("datapackage.json"))
        package.update(extra)
        package["created"] = extra["mainPageDate"]
        package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode()
        digest = json.loads(src.read("datapackage-digest.json"))
        digest["hash"] = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        for item in src.infolist():
            member = zipfile.ZipInfo(item.filename, stamp)
            member.compress_type, member.external_attr = item.compress_type, 0o644 << 16
            if item.filename == "datapackage.json":
                dst.writestr(member, package_bytes)
            elif item.filename == "datapackage-digest.json":
                dst.writestr(member, json.dumps(digest, indent=2).encode())
            else:
                dst.writestr(member, src.read(item.filename))
    return out


def _zip_time(warc_date: str) -> tuple[int, int, int, int, int, int]:
    """A WARC-Date (`2026-11-28T23:40:03Z`, maybe with fractions) as a zip member time (1980 at the earliest)."""
    when = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return max((when.year, when.month, when.day, when.hour, when.minute, when.second), (1980, 1, 1, 0, 0, 0))


def wacz_rel_path(capture_id: int) -> str:
    """Where a capture's WACZ lives under the data dir: sharded by id, `wacz/00012/capture-00012345.wacz`.

    Catalogues made before sharding keep their recorded `wacz/capture-N.wacz` paths;
    a rebuild moves the package to its shard.
    """
    return f"wacz/{capture_id // SHARD_SIZE:05d}/capture-{capture_id:08d}.wacz"


def remove_leftover_temp(wacz_dir: Path) -> list[Path]:
    """Delete WACZ build folders whose process is gone (killed mid-build); return them.

    A folder named with a live pid belongs to a build in progress (another
    process on this data folder) and is left alone. Builds happen in the shard
    folders (and, before sharding, in `wacz/` itself).
    """
    removed = []
    for path in [*wacz_dir.glob(f"{TEMP_PREFIX}*"), *wacz_dir.glob(f"*/{TEMP_PREFIX}*")]:
        pid = path.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def write_capture_wacz(data_dir: Path, catalogue: Catalogue, capture: Capture, report: dict | None) -> Path:
    """Build (or rebuild) the WACZ of a capture and record it in the catalogue."""
    rel = wacz_rel_path(capture.id)
    path = data_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two processes may package the same capture at once (a `fetch` beside the daemon):
    # the file and its recorded digest must come from the same build.
    with open(path.parent / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build_wacz(data_dir, capture, report, path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with catalogue.session() as s:
            row = s.query(WaczFile).filter_by(capture_id=capture.id).one_or_none()
            if row is None:
                row = WaczFile(capture_id=capture.id, path=rel, sha256=digest, created_at=utcnow())
                s.add(row)
            old, row.path, row.sha256, row.created_at = row.path, rel, digest, utcnow()
        if old != rel:  # a package from before sharding, now rebuilt in its shard
            (data_dir / old).unlink(missing_ok=True)
    return path


def export_wacz(data_dir: Path, catalogue: Catalogue, capture: Capture, report: dict | None, output: Path) -> Path:
    with catalogue.session() as s:
        row = s.query(WaczFile).filter_by(capture_id=capture.id).one_or_none()
    source = data_dir / row.path if row is not None else None
    if source is None or not source.exists():
        source = write_capture_wacz(data_dir, catalogue, capture, report)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, output)
    except OSError as exc:
        raise ArchiveError(f"cannot write {output}: {exc.strerror}") from None
    return output
