"""Settings dataclasses of the storage library, built by the caller and passed in.

Each field is the one declaration of its setting: type, default, and in its metadata the help
text and any check (a function returning a complaint, or None). The tool's settings registry
(`scraper.settings`) reads these fields, validates `config.toml` and builds these dataclasses,
so `archive/` never reads a config file itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def http_url_complaint(value: Any) -> str | None:
    return None if str(value).startswith(("http://", "https://")) else "must be an http(s) URL"


def optional_http_url_complaint(value: Any) -> str | None:
    return http_url_complaint(value) if value else None


def _storage_kind(value: Any) -> str | None:
    return None if value in ("local", "s3") else 'must be "local" or "s3"'


def _help(text: str, **facts: Any) -> dict[str, Any]:
    """A field's metadata as the settings registry reads it: `help`, and `check`, `minimum`, ... when given."""
    return {"help": text, **facts}


@dataclass(frozen=True)
class WaybackSettings:
    """`[archive.wayback]`: how public archive links are asked for."""

    enabled: bool = field(default=True, metadata=_help("ask the Wayback Machine for public archive links"))
    web_base: str = field(
        default="https://web.archive.org", metadata=_help("Save Page Now, CDX and snapshots", check=http_url_complaint)
    )
    api_base: str = field(default="https://archive.org", metadata=_help("availability API", check=http_url_complaint))
    reuse_max_age_days: float = field(default=365.0, metadata=_help("reuse an existing snapshot younger than this"))
    submit_interval_seconds: float = field(
        default=10.0, metadata=_help("at most one submission per interval, per process")
    )
    wait_seconds: float = field(default=60.0, metadata=_help("how long `takedowns fetch` waits for a capture job"))
    poll_interval_seconds: float = field(default=5.0, metadata=_help("between status checks while waiting"))
    session_pause_seconds: float = field(default=3600.0, metadata=_help("pause after a session/bandwidth quota error"))
    rate_limit_backoff_seconds: float = field(default=300.0, metadata=_help("pause after an HTTP 429"))
    timeout_seconds: float = field(default=30.0, metadata=_help("per request to the archive APIs"))


@dataclass(frozen=True)
class StorageSettings:
    """`[storage]`: where sealed WARC files live.

    `kind = "local"` keeps every WARC under `<data>/warc/` (the single-machine default);
    `"s3"` uploads each full WARC to `bucket` on `endpoint` (archive/objectstore.py).
    Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never the config.
    """

    kind: str = field(
        default="local",
        metadata=_help(
            "where full WARC files live: local (<data>/warc) or s3 (uploaded whole to [storage] bucket)",
            check=_storage_kind,
        ),
    )
    endpoint: str = field(
        default="", metadata=_help("S3-compatible endpoint URL (empty: AWS's own)", check=optional_http_url_complaint)
    )
    bucket: str = field(default="", metadata=_help("bucket the WARC files are uploaded to (kind = s3)"))
    prefix: str = field(default="warc", metadata=_help("key prefix of the uploaded WARC files"))
    region: str = field(default="us-east-1", metadata=_help("region name sent to the endpoint"))
