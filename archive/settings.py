"""Settings dataclasses of the storage library, built by the caller and passed in.

The defaults are written here once; the tool's settings registry
(`scraper.settings`) reads them from these fields, validates `config.toml` and
builds these dataclasses, so `archive/` never reads a config file itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WaybackSettings:
    """`[archive.wayback]`: how public archive links are asked for (help text in the settings registry)."""

    enabled: bool = True
    web_base: str = "https://web.archive.org"
    api_base: str = "https://archive.org"
    reuse_max_age_days: float = 365.0
    submit_interval_seconds: float = 10.0
    wait_seconds: float = 60.0
    poll_interval_seconds: float = 5.0
    session_pause_seconds: float = 3600.0
    rate_limit_backoff_seconds: float = 300.0
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class StorageSettings:
    """`[storage]`: where sealed WARC files live (help text in the settings registry).

    `kind = "local"` keeps every WARC under `<data>/warc/` (the single-machine default);
    `"s3"` uploads each full WARC to `bucket` on `endpoint` (archive/objectstore.py).
    Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never the config.
    """

    kind: str = "local"
    endpoint: str = ""
    bucket: str = ""
    prefix: str = "warc"
    region: str = "us-east-1"
