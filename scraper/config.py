"""Load and validate config.toml.

Lookup order: `--config PATH`, then `$TAKEDOWNS_CONFIG`, then `./config.toml`.
Relative paths inside the file resolve against the file's own folder, so a
config can be moved together with its data folder.

Core settings are parsed into typed dataclasses here; feature modules read
their own sections with `Config.section("archive.wayback")` and validate them
themselves, so adding a feature does not mean editing this file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import UserError

T = TypeVar("T")

DEFAULT_USER_AGENT = (
    "takedown-archiver/0.1 (+https://github.com/DISARMFoundation; archiving takedown reports)"
)

# Organisation names in DISARM house style, keyed by host or host/path-prefix.
DEFAULT_ORGS: dict[str, str] = {
    "about.fb.com": "Meta",
    "newsroom.fb.com": "Meta",
    "transparency.meta.com": "Meta",
    "github.com/facebook/threat-research": "Meta",
    "raw.githubusercontent.com/facebook/threat-research": "Meta",
    "medium.com/dfrlab": "DFRLab",
    "medium.com/@dfrlab": "DFRLab",
    "dfrlab.org": "DFRLab",
    "blog.google/threat-analysis-group": "Google TAG",
    "blog.google/security": "Google TAG",
    "blog.twitter.com": "Twitter",
    "openai.com": "OpenAI",
    "cdn.openai.com": "OpenAI",
    "blogs.microsoft.com": "Microsoft",
    "tiktok.com": "TikTok",
    "reddit.com": "Reddit",
    "graphika.com": "Graphika",
    "cyber.fsi.stanford.edu": "Stanford Internet Observatory",
    "einpresswire.com": "EIN Presswire",
    "prnewswire.com": "PR Newswire",
}


@dataclass(frozen=True)
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_body_bytes: int = 50 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_redirects: int = 10
    allow_private_networks: bool = False
    per_host_delay: float = 2.0
    per_host_concurrency: int = 1
    global_concurrency: int = 8
    retry_attempts: int = 4
    retry_initial_wait: float = 2.0
    retry_max_wait: float = 120.0
    retry_max_seconds: float = 600.0
    retry_after_cap: float = 900.0
    respect_robots: bool = True
    robots_ttl: float = 86400.0
    max_crawl_delay: float = 60.0


@dataclass(frozen=True)
class Config:
    path: Path | None
    data_dir: Path
    catalogue_url: str
    warc_max_file_bytes: int
    http: HttpSettings
    orgs: dict[str, str]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Path:
        """Folder that relative paths in the config resolve against."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / "warc"

    def section(self, dotted: str) -> dict[str, Any]:
        """The raw table at `dotted` (e.g. "archive.wayback"), or {} if absent."""
        node: Any = self.raw
        for part in dotted.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if not isinstance(node, dict):
            raise UserError(f"{self.path}: [{dotted}] must be a table")
        return node

    def resolve_path(self, value: str | Path) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()


def section_settings(config: Config, section: str, cls: type[T]) -> T:
    """Build the settings dataclass `cls` from `[section]`, typed by its defaults.

    bool fields take true/false, float fields any non-negative number, int fields
    non-negative whole numbers, str fields strings; unknown keys are an error.
    """
    table = config.section(section)
    defaults = cls()
    values: dict[str, Any] = {}
    for key in cls.__dataclass_fields__:
        if key not in table:
            continue
        default, value = getattr(defaults, key), table[key]
        if isinstance(default, bool):
            ok, kind = isinstance(value, bool), "true or false"
        elif isinstance(default, float):
            ok, kind = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0, "a non-negative number"
            value = float(value) if ok else value
        elif isinstance(default, int):
            ok, kind = isinstance(value, int) and not isinstance(value, bool) and value >= 0, "a non-negative whole number"
        else:
            ok, kind = isinstance(value, str), "a string"
        if not ok:
            raise UserError(f"{config.path}: [{section}] {key} must be {kind}, got {value!r}")
        values[key] = value
    unknown = sorted(set(table) - set(cls.__dataclass_fields__))
    if unknown:
        raise UserError(f"{config.path}: [{section}] has unknown key {unknown[0]!r}; known keys: {', '.join(cls.__dataclass_fields__)}")
    return cls(**values)


def find_config_path(explicit: str | None) -> Path:
    if explicit:
        candidate, origin = Path(explicit), "--config"
    elif os.environ.get("TAKEDOWNS_CONFIG"):
        candidate, origin = Path(os.environ["TAKEDOWNS_CONFIG"]), "TAKEDOWNS_CONFIG"
    else:
        candidate, origin = Path("config.toml"), "./config.toml"
        if not candidate.exists():
            raise UserError(
                "no config file found: pass --config PATH, set TAKEDOWNS_CONFIG, "
                "or run from a folder holding config.toml (the repository ships one)"
            )
    if not candidate.is_file():
        raise UserError(f"config file {candidate} (from {origin}) does not exist or is not a file")
    return candidate.resolve()


def load_config(explicit: str | None = None) -> Config:
    path = find_config_path(explicit)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: invalid TOML: {exc}; fix the file and try again") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read config file {path}: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path | None) -> Config:
    reader = _Reader(raw, path)
    root = path.parent if path else Path.cwd()
    data_dir = Path(reader.get("data", "dir", str, "data")).expanduser()
    if not data_dir.is_absolute():
        data_dir = (root / data_dir).resolve()
    catalogue_url = reader.get("catalogue", "url", str, "")
    if not catalogue_url:
        catalogue_url = f"sqlite:///{data_dir / 'catalogue.sqlite'}"
    http = HttpSettings(
        user_agent=reader.get("http", "user_agent", str, DEFAULT_USER_AGENT),
        connect_timeout=reader.get("http", "connect_timeout", float, 10.0),
        read_timeout=reader.get("http", "read_timeout", float, 30.0),
        total_timeout=reader.get("http", "total_timeout", float, 120.0),
        max_body_bytes=reader.get("http", "max_body_bytes", int, 50 * 1024 * 1024),
        max_decompressed_bytes=reader.get("http", "max_decompressed_bytes", int, 200 * 1024 * 1024),
        max_redirects=reader.get("http", "max_redirects", int, 10),
        allow_private_networks=reader.get("http", "allow_private_networks", bool, False),
        per_host_delay=reader.get("http", "per_host_delay", float, 2.0),
        per_host_concurrency=reader.get("http", "per_host_concurrency", int, 1),
        global_concurrency=reader.get("http", "global_concurrency", int, 8),
        retry_attempts=reader.get("http", "retry_attempts", int, 4),
        retry_initial_wait=reader.get("http", "retry_initial_wait", float, 2.0),
        retry_max_wait=reader.get("http", "retry_max_wait", float, 120.0),
        retry_max_seconds=reader.get("http", "retry_max_seconds", float, 600.0),
        retry_after_cap=reader.get("http", "retry_after_cap", float, 900.0),
        respect_robots=reader.get("http", "respect_robots", bool, True),
        robots_ttl=reader.get("http", "robots_ttl", float, 86400.0),
        max_crawl_delay=reader.get("http", "max_crawl_delay", float, 60.0),
    )
    orgs = dict(DEFAULT_ORGS)
    user_orgs = raw.get("orgs", {})
    if not isinstance(user_orgs, dict) or not all(isinstance(v, str) for v in user_orgs.values()):
        raise UserError(f"{path}: [orgs] must map host or host/path to an organisation name")
    orgs.update({k.lower(): v for k, v in user_orgs.items()})
    return Config(
        path=path,
        data_dir=data_dir,
        catalogue_url=catalogue_url,
        warc_max_file_bytes=reader.get("warc", "max_file_bytes", int, 1024 * 1024 * 1024),
        http=http,
        orgs=orgs,
        raw=raw,
    )


class _Reader:
    """Typed access to `[section] key` with defaults and one-line errors."""

    def __init__(self, raw: dict[str, Any], path: Path | None):
        self.raw, self.path = raw, path

    def get(self, section: str, key: str, kind: type, default: Any) -> Any:
        table = self.raw.get(section, {})
        if not isinstance(table, dict):
            raise UserError(f"{self.path}: [{section}] must be a table")
        if key not in table:
            return default
        value = table[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok or (kind in (int, float) and value < 0):
            raise UserError(
                f"{self.path}: [{section}] {key} must be a "
                f"{'non-negative ' if kind in (int, float) else ''}{kind.__name__}, got {value!r}"
            )
        return value
