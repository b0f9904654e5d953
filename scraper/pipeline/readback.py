"""Reading a stored capture back from its WARC: its decoded payload, digest-checked (never the network)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.decode import decode_body
from archive.objectstore import locate
from archive.render_records import rendered_parts
from archive.tables import Capture
from archive.warc import ResponseRecord, payload_sha256, read_response
from scraper.config import Config
from scraper.errors import UserError


@dataclass(frozen=True)
class StoredAt:
    """Where a capture's response record is, and its payload digest: what `capture_content` needs, small
    enough to send to a worker process, which then reads the page itself (no copy of it is pickled)."""

    warc_path: str
    warc_offset: int
    payload_sha256: str

    @classmethod
    def of(cls, capture: Capture) -> StoredAt:
        return cls(capture.warc_path, capture.warc_offset, capture.payload_sha256)


def capture_content(config: Config, capture: Capture | StoredAt) -> bytes:
    """The decoded payload of a stored capture, read back from its WARC and digest-checked."""
    record = read_response(locate(config.data_dir, capture.warc_path), capture.warc_offset)
    if payload_sha256(record.raw_payload) != capture.payload_sha256:
        raise UserError(
            f"{capture.warc_path} at offset {capture.warc_offset}: payload digest does not match the catalogue "
            "(the WARC is damaged): run `takedowns archive verify`"
        )
    dom = rendered_parts(locate(config.data_dir, capture.warc_path), capture.warc_offset).get("dom")
    if dom is not None:
        return dom  # a rendered capture: extraction reads the DOM after scripts ran
    return decoded_payload(config, record)


def decoded_payload(config: Config, record: ResponseRecord) -> bytes:
    """A stored response's payload with its content encoding undone (size-capped)."""
    encoding = next((v for k, v in record.headers if k.lower() == "content-encoding"), None)
    return decode_body(record.raw_payload, encoding, config.http.max_decompressed_bytes)
