"""Load and validate config.toml.

Lookup order: `--config PATH`, then `$TAKEDOWNS_CONFIG`, then `./config.toml`.
Relative paths inside the file resolve against the file's own folder, so a
config can be moved together with its data folder.

Every setting is declared once, as a field of its section's dataclass in
`scraper.settings`, whose registry validates the file; core settings are
turned into typed dataclasses here, and feature modules build theirs with
`section_settings(config, "daemon", cls)`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from archive import objectstore
from archive.settings import StorageSettings, WaybackSettings

from .errors import UserError
from .settings import HttpSettings, Values, build, defaults, validate

T = TypeVar("T")

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
class Config:
    path: Path | None
    data_dir: Path
    catalogue_url: str
    warc_max_file_bytes: int
    http: HttpSettings
    orgs: dict[str, str]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    settings: Values = field(default_factory=defaults, repr=False)
    _parsed: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def root(self) -> Path:
        """Folder that relative paths in the config resolve against."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / "warc"

    def section(self, dotted: str) -> dict[str, Any]:
        """`[dotted]` (e.g. "archive.wayback"): a registered section's validated
        values with defaults filled in, or an open table as written ({} if absent)."""
        if dotted in self.settings:
            return dict(self.settings[dotted])
        node: Any = self.raw
        for part in dotted.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if not isinstance(node, dict):
            raise UserError(f"{self.path}: [{dotted}] must be a table")
        return node

    def parsed_once(self, key: str, parse: Callable[[Config], T]) -> T:
        """`parse(self)`, computed on first use and kept with this config: an open table's owner
        (`[sources]`: scraper.discover.sources) parses and validates it once, however many readers ask."""
        if key not in self._parsed:
            self._parsed[key] = parse(self)
        return cast(T, self._parsed[key])

    def resolve_path(self, value: str | Path) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()


def section_settings(config: Config, section: str, cls: type[T]) -> T:
    """The typed dataclass `cls` for registered `[section]`, from validated values."""
    return build(cls, config.settings, section)


def storage_settings(config: Config) -> StorageSettings:
    """`[storage]` for the storage library: the local folder, or an S3-compatible bucket."""
    return section_settings(config, "storage", StorageSettings)


def wayback_settings(config: Config) -> WaybackSettings:
    """`[archive.wayback]` for the storage library, which never reads the config itself."""
    return section_settings(config, "archive.wayback", WaybackSettings)


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
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise UserError(
            f"{path}: invalid TOML: arrays or inline tables nested too deeply; fix the file and try again"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read config file {path}: {exc}") from None
    config = parse_config(raw, path)
    objectstore.use(
        storage_settings(config)
    )  # this process reads and uploads WARCs through it (archive/objectstore.py)
    return config


def parse_config(raw: dict[str, Any], path: Path | None) -> Config:
    settings = validate(raw, path)
    root = path.parent if path else Path.cwd()
    data_dir = Path(settings["data"]["dir"]).expanduser()
    if not data_dir.is_absolute():
        data_dir = (root / data_dir).resolve()
    catalogue_url = settings["catalogue"]["url"] or f"sqlite:///{data_dir / 'catalogue.sqlite'}"
    orgs = dict(DEFAULT_ORGS)
    user_orgs = raw.get("orgs", {})
    if not isinstance(user_orgs, dict) or not all(isinstance(v, str) for v in user_orgs.values()):
        raise UserError(f"{path}: [orgs] must map host or host/path to an organisation name")
    orgs.update({k.lower(): v for k, v in user_orgs.items()})
    return Config(
        path=path,
        data_dir=data_dir,
        catalogue_url=catalogue_url,
        warc_max_file_bytes=settings["warc"]["max_file_bytes"],
        http=build(HttpSettings, settings, "http"),
        orgs=orgs,
        raw=raw,
        settings=settings,
    )


def source_table_org(name: str, table: Mapping[str, Any]) -> str | None:
    """A `[sources.<name>]` table's `org`: a name, or none. Here, in the core, because two layers read it:
    discovery, which validates the whole table (scraper.discover.sources), and the pipeline's org lookup,
    which sits below discovery and reads only the orgs (validating every source for every page cost a
    poll's worker 3.6 ms a page)."""
    org = table.get("org")
    if org is not None and not isinstance(org, str):
        raise UserError(f"[sources.{name}] org must be a str")
    return org
