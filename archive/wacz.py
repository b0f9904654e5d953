"""The WACZ of a report capture, built on demand from the WARC with py-wacz.

The WARC is the preservation master and the only stored copy of a capture's bytes:
a WACZ kept beside it would hold the same records again (37% of all bytes stored).
Builds are reproducible (same records, same zip times, same `created`), so the
package `archive export`, the desk's download and `archive verify --packages` build
is the same file, byte for byte, every time.

The package holds the capture's response and request records and its redirect
hops (each 3xx as its own response/request pair), copied byte for byte from the main WARC,
plus a `metadata` record (URI `urn:takedowns:report:<id>`,
never the page URL) carrying the extracted Report; `pages/pages.jsonl` has one
entry whose `ts` equals the response record's WARC-Date, with title and text.
py-wacz adds the CDXJ index and `datapackage.json` with hashes; we add the
report's `title`, `mainPageUrl` and `mainPageDate` to it (and re-hash the digest). A WACZ
is built in a temporary folder beside its destination and renamed into place, so it is
whole or absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.warcwriter import WARCWriter

from . import warcio_codings
from .errors import ArchiveError, UnreadableRecord
from .objectstore import locate, open_warc
from .render_records import block_records
from .tables import Capture
from .warc import reading

TEMP_PREFIX = ".wacz-"  # + "<pid>-": the folder a WACZ is built in before it is renamed into place
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


def capture_record_bytes(warc_path: Path | str, offset: int, hops: int = 0) -> bytes:
    """The gzip members of a capture: its response and request records, its `hops` redirect
    hops (each a 3xx response + request after the final pair), or a rendered page's whole block.

    The hops let replay resolve the URL that was asked for.
    """

    end = 0
    with reading(warc_path, offset):  # a damaged or cut record: one line and exit 4, whichever byte the cut hit
        for count, (record, rel, length, _) in enumerate(block_records(warc_path, offset, hops)):
            if count == 0 and record.rec_type != "response":
                raise UnreadableRecord(
                    f"WARC file {warc_path} has no response record at offset {offset}: run `takedowns archive verify`"
                )
            end = rel + length
    if end == 0:
        raise UnreadableRecord(
            f"WARC file {warc_path} has no record at offset {offset} (cut short?): run `takedowns archive verify`"
        )
    with reading(warc_path, offset), open_warc(warc_path) as f:
        f.seek(offset)
        data = f.read(end)
    if len(data) != end:
        raise UnreadableRecord(
            f"WARC file {warc_path} ends inside the capture at offset {offset}: it was cut short; run `takedowns"
            " archive verify`"
        )
    return data


def report_metadata_record(capture: Capture, report: dict[str, Any] | None) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    payload = json.dumps(
        {"capture_id": capture.id, "url": capture.url, "report": report}, ensure_ascii=False, default=str
    ).encode()
    # A record id derived from the content, not random, so the same capture and report build the same bytes.
    record_id = uuid.uuid5(
        uuid.NAMESPACE_URL, f"urn:takedowns:report:{capture.id}#{hashlib.sha256(payload).hexdigest()}"
    )
    record = writer.create_warc_record(
        f"urn:takedowns:report:{capture.id}",
        "metadata",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict={
            "WARC-Refers-To": capture.warc_record_id,
            "WARC-Date": capture.warc_date,
            "WARC-Record-ID": f"<urn:uuid:{record_id}>",
        },
    )
    writer.write_record(record)
    return buf.getvalue()


def page_entry(capture: Capture, report: dict[str, Any] | None) -> dict[str, Any]:
    entry = {
        "id": f"capture-{capture.id}",
        "url": capture.final_url,
        "ts": capture.warc_date,
    }  # py-wacz would draw a random id
    if report:
        entry["title"] = report.get("title") or ""
        entry["text"] = report.get("text") or ""
    return entry


def build_wacz(data_dir: Path, capture: Capture, report: dict[str, Any] | None, output: Path) -> Path:
    """Write the WACZ of `capture` to `output` atomically."""
    from wacz.main import main as wacz_main

    warcio_codings.install()  # py-wacz's indexer decodes each record's Content-Encoding through warcio
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-") as tmp:
        work = Path(tmp)
        warc = work / "data.warc.gz"
        warc.write_bytes(
            capture_record_bytes(locate(data_dir, capture.warc_path), capture.warc_offset, len(capture.redirects or []))
            + report_metadata_record(capture, report)
        )
        pages = work / "pages.jsonl"
        pages.write_text(
            json.dumps(PAGES_HEADER) + "\n" + json.dumps(page_entry(capture, report), ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
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
    return output


def package_metadata(capture: Capture, report: dict[str, Any] | None) -> dict[str, str]:
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


def export_wacz(data_dir: Path, capture: Capture, report: dict[str, Any] | None, output: Path) -> Path:
    """Build the capture's WACZ at `output` (a one-line error when it cannot be written there)."""
    try:
        build_wacz(data_dir, capture, report, output)
    except OSError as exc:
        raise ArchiveError(f"cannot write {output}: {exc.strerror}") from None
    return output


@contextlib.contextmanager
def temporary_wacz(data_dir: Path, capture: Capture, report: dict[str, Any] | None) -> Iterator[Path]:
    """The capture's WACZ in a temporary folder, removed afterwards (desk downloads, verify --packages)."""
    with tempfile.TemporaryDirectory(prefix="takedowns-wacz-") as tmp:
        yield build_wacz(data_dir, capture, report, Path(tmp) / f"capture-{capture.id}.wacz")
