"""Every config setting, declared once: section, name, type, default and help.

In the style of Datasette's `SETTINGS`: the loader validates `config.toml`
against this list (unknown sections and keys are errors with a "did you mean"
hint), fills in defaults, and the typed dataclasses the code uses
(`HttpSettings`, `DaemonSettings`, ...) take their defaults from here, so a
default is written in exactly one place. `config.toml` is checked against this
list by a test, so it documents every setting with its true default.

To add a setting: add a `Setting` below, add the key with its default and a
comment to `config.toml`, and (if code reads it through a dataclass) a field
whose default is `default(section, name)`. Settings of the storage library
(`archive/`) take their defaults from its own dataclasses (`archive.settings`),
which the CLI builds from here and passes in.

`[sources.<name>]` tables and `[orgs]` are open tables: their keys are chosen
by the user and validated by their owners (`scraper.discover.sources`,
`scraper.config`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from archive.settings import StorageSettings, WaybackSettings

from .errors import UserError
from .schedule import parse_schedule

T = TypeVar("T")

OPEN_SECTIONS = ("sources", "orgs")

DEFAULT_USER_AGENT = "takedown-archiver/0.1 (+https://github.com/DISARMFoundation; archiving takedown reports)"

# DISARM's public repository (scraper.disarm.source reads it from here: settings sit below every feature)
DISARM_REPOSITORY = "DISARMFoundation/DISARMframeworks"
DISARM_RAW_BASE = f"https://raw.githubusercontent.com/{DISARM_REPOSITORY}"
DISARM_API_BASE = f"https://api.github.com/repos/{DISARM_REPOSITORY}"


@dataclass(frozen=True)
class Setting:
    section: str  # dotted table name, e.g. "archive.wayback"
    name: str
    type: type  # str, int, float or bool
    default: Any
    help: str
    minimum: float | None = 0  # numbers: smallest allowed value (None: no bound)
    maximum: float | None = None
    is_file: bool = False  # a path (relative to the config's folder) that must exist when set
    check: Callable[[Any], str | None] | None = None  # returns a complaint, or None when fine

    @property
    def key(self) -> str:
        return f"[{self.section}] {self.name}"


def _schedule_complaint(value: Any) -> str | None:
    try:
        parse_schedule(value)
    except UserError as exc:
        return str(exc)
    return None


def _http_url_complaint(value: Any) -> str | None:
    return None if str(value).startswith(("http://", "https://")) else "must be an http(s) URL"


def _optional_http_url_complaint(value: Any) -> str | None:
    return _http_url_complaint(value) if value else None


def _storage_kind_complaint(value: Any) -> str | None:
    return None if value in ("local", "s3") else 'must be "local" or "s3"'


def _auth_complaint(value: Any) -> str | None:
    return None if value in ("auto", "token") else "must be one of auto, token"


def _id_prefix_complaint(value: Any) -> str | None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,15}", value):
        return "must be 1-16 letters, digits, - or _, starting with a letter"
    if re.fullmatch(r"I\d*", value):
        return "must not look like DISARM's I00000 ids"
    return None


FOUND_VIA_CODE = re.compile(r"[A-Z][A-Z0-9]{1,9}")  # DISARM's found_via cells: empty, OII or MIS


def _found_via_complaint(value: Any) -> str | None:
    """DISARM's `found_via` cells are empty or a short code (`OII`, `MIS`), never a sentence."""
    if value and not FOUND_VIA_CODE.fullmatch(value):
        return "must be empty or a short DISARM code of 2-10 capital letters or digits, like OII"
    return None


S = Setting
_WAYBACK = WaybackSettings()  # the storage library owns these defaults; declared here with their help
_STORAGE = StorageSettings()
SETTINGS: tuple[Setting, ...] = (
    S("data", "dir", str, "data", "where WARC files, the SQLite catalogue and exports go"),
    S("catalogue", "url", str, "", "any SQLAlchemy URL; empty means an SQLite file at <data.dir>/catalogue.sqlite"),
    S(
        "warc",
        "max_file_bytes",
        int,
        1073741824,
        "start a new WARC file once the current one is larger than this",
        minimum=1,
    ),
    S(
        "storage",
        "kind",
        str,
        _STORAGE.kind,
        "where full WARC files live: local (<data>/warc) or s3 (uploaded whole to [storage] bucket)",
        check=_storage_kind_complaint,
    ),
    S(
        "storage",
        "endpoint",
        str,
        _STORAGE.endpoint,
        "S3-compatible endpoint URL (empty: AWS's own)",
        check=_optional_http_url_complaint,
    ),
    S("storage", "bucket", str, _STORAGE.bucket, "bucket the WARC files are uploaded to (kind = s3)"),
    S("storage", "prefix", str, _STORAGE.prefix, "key prefix of the uploaded WARC files"),
    S("storage", "region", str, _STORAGE.region, "region name sent to the endpoint"),
    S("http", "user_agent", str, DEFAULT_USER_AGENT, "sent with every request, so site operators know who we are"),
    S("http", "connect_timeout", float, 10.0, "seconds to establish a connection"),
    S("http", "read_timeout", float, 30.0, "seconds between bytes"),
    S("http", "total_timeout", float, 120.0, "seconds one URL may take in all: every attempt, redirect and retry wait"),
    S("http", "max_body_bytes", int, 52428800, "bytes on the wire; larger bodies are aborted"),
    S(
        "http",
        "max_decompressed_bytes",
        int,
        209715200,
        "bytes after gzip/deflate/br, counted as the body streams in: stops decompression bombs",
    ),
    S("http", "max_redirects", int, 10, "redirect hops followed before giving up"),
    S(
        "http",
        "allow_private_networks",
        bool,
        False,
        "allow URLs resolving to private, loopback, link-local or metadata addresses",
    ),
    S("http", "per_host_delay", float, 2.0, "seconds between the starts of two requests to one host"),
    S("http", "per_host_concurrency", int, 1, "requests in flight to one host", minimum=1),
    S("http", "global_concurrency", int, 8, "requests in flight to all hosts together", minimum=1),
    S(
        "http",
        "retry_attempts",
        int,
        4,
        "tries for retryable failures (connect errors, timeouts, 408, 429, 5xx)",
        minimum=1,
    ),
    S("http", "retry_initial_wait", float, 2.0, "seconds before the first retry (then exponential, with jitter)"),
    S("http", "retry_max_wait", float, 120.0, "longest wait between two tries, in seconds"),
    S("http", "retry_max_seconds", float, 600.0, "seconds spent retrying one URL in all"),
    S("http", "retry_after_cap", float, 900.0, "longest Retry-After honoured, in seconds"),
    S("http", "respect_robots", bool, True, "honour robots.txt (a source can opt out for itself, logged)"),
    S("http", "robots_ttl", float, 86400.0, "seconds a host's robots.txt is cached"),
    S("http", "max_crawl_delay", float, 60.0, "largest Crawl-delay honoured, in seconds"),
    S(
        "extract",
        "workers",
        int,
        0,
        "extraction processes a poll runs at once (0: one page at a time, after storing it); a poll keeps workers + 2 items in flight",
        minimum=0,
    ),
    S(
        "extract",
        "cpu_seconds",
        int,
        60,
        "CPU seconds one page's extraction process may use (setrlimit); past it the item fails and is retried later",
        minimum=1,
    ),
    S(
        "extract",
        "memory_bytes",
        int,
        1073741824,
        "address space of one page's extraction process (setrlimit)",
        minimum=128 * 1024 * 1024,
    ),
    S(
        "extract",
        "wall_seconds",
        float,
        120.0,
        "how long to wait for one page's extraction process before killing it",
        minimum=1,
    ),
    S("extract.pdf", "max_pages", int, 1000, "pages of a PDF read; the rest are skipped (page-tree bombs)", minimum=1),
    S("extract.pdf", "max_text_chars", int, 5000000, "characters of PDF text kept", minimum=1),
    S("extract.pdf", "cpu_seconds", int, 60, "CPU seconds the PDF worker process may use (setrlimit)", minimum=1),
    S(
        "extract.pdf",
        "memory_bytes",
        int,
        1073741824,
        "address space of the PDF worker process (setrlimit)",
        minimum=64 * 1024 * 1024,
    ),
    S("extract.pdf", "wall_seconds", float, 120.0, "how long to wait for the PDF worker before killing it", minimum=1),
    S(
        "render",
        "chromium",
        str,
        "/usr/bin/chromium",
        "the Chromium binary driven by Playwright for --render / render = true",
    ),
    S(
        "render",
        "budget_seconds",
        float,
        30.0,
        "total time for one rendered page: load, settle, screenshot, DOM",
        minimum=1,
    ),
    S(
        "render",
        "settle_seconds",
        float,
        2.0,
        "after load, wait up to this long for the network to go quiet",
        minimum=0,
    ),
    S("render", "max_requests", int, 300, "requests one page may make; the rest are refused", minimum=1),
    S(
        "render",
        "max_bytes",
        int,
        50 * 1024 * 1024,
        "bytes of responses one page may receive; the rest are refused",
        minimum=1024,
    ),
    S("render", "viewport_width", int, 1280, "CSS pixels; the screenshot's width", minimum=100),
    S(
        "render",
        "viewport_height",
        int,
        800,
        "CSS pixels; the screenshot is the full page, at least this tall",
        minimum=100,
    ),
    S("render", "contexts", int, 2, "browser contexts (pages) rendered at once by one browser process", minimum=1),
    S("render", "restart_after_pages", int, 200, "restart the browser process after this many pages", minimum=1),
    S("archive.wayback", "enabled", bool, _WAYBACK.enabled, "ask the Wayback Machine for public archive links"),
    S(
        "archive.wayback",
        "web_base",
        str,
        _WAYBACK.web_base,
        "Save Page Now, CDX and snapshots",
        check=_http_url_complaint,
    ),
    S("archive.wayback", "api_base", str, _WAYBACK.api_base, "availability API", check=_http_url_complaint),
    S(
        "archive.wayback",
        "reuse_max_age_days",
        float,
        _WAYBACK.reuse_max_age_days,
        "reuse an existing snapshot younger than this",
    ),
    S(
        "archive.wayback",
        "submit_interval_seconds",
        float,
        _WAYBACK.submit_interval_seconds,
        "at most one submission per interval, per process",
    ),
    S(
        "archive.wayback",
        "wait_seconds",
        float,
        _WAYBACK.wait_seconds,
        "how long `takedowns fetch` waits for a capture job",
    ),
    S(
        "archive.wayback",
        "poll_interval_seconds",
        float,
        _WAYBACK.poll_interval_seconds,
        "between status checks while waiting",
    ),
    S(
        "archive.wayback",
        "session_pause_seconds",
        float,
        _WAYBACK.session_pause_seconds,
        "pause after a session/bandwidth quota error",
    ),
    S(
        "archive.wayback",
        "rate_limit_backoff_seconds",
        float,
        _WAYBACK.rate_limit_backoff_seconds,
        "pause after an HTTP 429",
    ),
    S("archive.wayback", "timeout_seconds", float, _WAYBACK.timeout_seconds, "per request to the archive APIs"),
    S(
        "stubs",
        "id_prefix",
        str,
        "TA-",
        "provisional stub ids TA-00001...; never I00000-like",
        check=_id_prefix_complaint,
    ),
    S(
        "stubs",
        "disarm_master",
        str,
        "",
        "path to DISARM_DATA_MASTER.xlsx: URLs it lists are never stubbed again",
        is_file=True,
    ),
    S(
        "stubs",
        "found_via",
        str,
        "",
        "DISARM's Found via code for new stubs (empty, or a short code like OII)",
        check=_found_via_complaint,
    ),
    S(
        "stubs",
        "cluster_window_days",
        int,
        14,
        "reports this close in date (same platform, origin, a matching count) share one stub",
    ),
    S("stubs", "feed_file", str, "stubs.atom", "Atom feed of new stubs, under the data folder"),
    S(
        "stubs",
        "feed_url",
        str,
        "",
        "public URL of the Atom feed (its self link), e.g. https://desk.example.org/feed.atom; "
        "empty: the desk's /feed.atom on [web] host and port",
        check=_optional_http_url_complaint,
    ),
    S(
        "techniques",
        "framework",
        str,
        "",
        "DISARM's framework workbook (sheets techniques, tactics); empty: the copy in use (`takedowns disarm show`)",
    ),
    S(
        "techniques",
        "mappings",
        str,
        "",
        "DISARM_DATA_MASTER.xlsx with the curators' incidenttechniques sheet; empty: the copy in use",
    ),
    S(
        "techniques",
        "stix_bundle",
        str,
        "",
        "DISARM's STIX bundle (DISARM.json), whose attack-pattern ids STIX exports reuse; empty: the copy in use",
    ),
    S("techniques", "top", int, 5, "technique suggestions per stub", minimum=1, maximum=50),
    S(
        "disarm",
        "raw_base",
        str,
        DISARM_RAW_BASE,
        "`takedowns disarm update` downloads <raw_base>/<commit>/<path in DISARM's repository>",
        check=_http_url_complaint,
    ),
    S(
        "disarm",
        "api_base",
        str,
        DISARM_API_BASE,
        "GitHub API of DISARM's repository: turns a tag or branch into its commit (<api_base>/commits/<ref>)",
        check=_http_url_complaint,
    ),
    S("web", "enabled", bool, False, "the daemon also serves the review desk (same host and port)"),
    S("web", "host", str, "127.0.0.1", "address the desk listens on; any non-loopback address needs a token"),
    S("web", "port", int, 8765, "port of the desk", minimum=1, maximum=65535),
    S(
        "web",
        "auth",
        str,
        "auto",
        "auto: a token is required off loopback or whenever one is set; token: always",
        check=_auth_complaint,
    ),
    S("web", "token_env", str, "TAKEDOWNS_WEB_TOKEN", "environment variable holding the desk's token (16+ characters)"),
    S("web", "page_size", int, 50, "stubs per queue page", minimum=1, maximum=500),
    S(
        "web",
        "claim_minutes",
        int,
        120,
        "how long a curator's claim on a stub lasts before others may take it",
        minimum=1,
        maximum=10080,
    ),
    S(
        "daemon",
        "grace_seconds",
        float,
        30.0,
        "on SIGTERM/SIGINT the daemon exits within this long: in-flight polls get it less a quarter (at most 2 s) to finish",
    ),
    S("daemon", "jitter_seconds", float, 60.0, "random delay added to each run (at most a tenth of the period)"),
    S(
        "daemon",
        "misfire_fraction",
        float,
        0.5,
        "a late run still starts within this fraction of its period",
        maximum=1,
    ),
    S(
        "daemon",
        "failing_threshold_hours",
        float,
        24.0,
        "`takedowns status` exits 1 when a source has failed for longer",
    ),
    S(
        "daemon",
        "housekeeping",
        str,
        "15m",
        "how often pending Wayback jobs are polled and the stub feed regenerated",
        check=_schedule_complaint,
    ),
    S("daemon", "run_on_start", bool, True, "a source that has never run runs as soon as the daemon starts"),
    S(
        "daemon",
        "item_max_tries",
        int,
        5,
        "an item that keeps failing (any stage) is given up after this many tries",
        minimum=1,
    ),
    S(
        "daemon",
        "item_retry_seconds",
        float,
        3600.0,
        "a failed item waits this long before its next try, doubling each time (at most 7 days)",
    ),
)
del S

REGISTRY: dict[str, dict[str, Setting]] = {}
for _s in SETTINGS:
    REGISTRY.setdefault(_s.section, {})[_s.name] = _s

Values = Mapping[str, Mapping[str, Any]]


def default(section: str, name: str) -> Any:
    """The declared default of `[section] name` (for dataclass field defaults)."""
    return REGISTRY[section][name].default


def defaults() -> dict[str, dict[str, Any]]:
    return {section: {n: s.default for n, s in table.items()} for section, table in REGISTRY.items()}


def build(cls: type[T], values: Values, section: str) -> T:
    """The typed dataclass `cls` for `[section]`, from validated values."""
    return cls(**values[section])


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def validate(raw: Mapping[str, Any], config_path: Path | None) -> dict[str, dict[str, Any]]:
    """Check `raw` (a parsed config.toml) against the registry; return every
    registered section's values with defaults filled in. Raises UserError."""
    where = f"{config_path}: " if config_path else ""
    sections = sorted(REGISTRY) + list(OPEN_SECTIONS)
    parents = {s.split(".")[0] for s in REGISTRY if "." in s}
    values = defaults()

    def unknown_section(name: str) -> UserError:
        return UserError(
            f"{where}unknown section [{name}]{did_you_mean(name, sections)} (known sections: {', '.join(sections)})"
        )

    for top, table in raw.items():
        if top in OPEN_SECTIONS:
            continue
        if not isinstance(table, dict):
            if top in REGISTRY or top in parents:
                raise UserError(f"{where}[{top}] must be a table")
            raise UserError(
                f"{where}{top!r} is outside any section{did_you_mean(top, [s.name for s in SETTINGS])}; put it under its [section]"
            )
        if top not in REGISTRY and top not in parents:
            raise unknown_section(top)
        subsections = (
            dict(table) if top not in REGISTRY else {k: v for k, v in table.items() if f"{top}.{k}" in REGISTRY}
        )
        if top in REGISTRY:  # a section may have settings and subsections both ([extract] workers, [extract.pdf])
            values[top].update(
                _check_table(top, {k: v for k, v in table.items() if k not in subsections}, where, config_path)
            )
        for sub, subtable in subsections.items():
            name = f"{top}.{sub}"
            if name not in REGISTRY:
                raise unknown_section(name)
            if not isinstance(subtable, dict):
                raise UserError(f"{where}[{name}] must be a table")
            values[name].update(_check_table(name, subtable, where, config_path))
    return values


def _check_table(section: str, table: Mapping[str, Any], where: str, config_path: Path | None) -> dict[str, Any]:
    known = REGISTRY[section]
    out: dict[str, Any] = {}
    for name, value in table.items():
        setting = known.get(name)
        if setting is None:
            raise UserError(
                f"{where}[{section}] has no setting {name!r}{did_you_mean(name, list(known))} "
                f"(known: {', '.join(known)})"
            )
        out[name] = _check_value(setting, value, where, config_path)
    return out


def _describe(setting: Setting) -> str:
    if setting.type is bool:
        return "true or false"
    if setting.type is str:
        return "a string"
    noun = "whole number" if setting.type is int else "number"
    low, high = setting.minimum, setting.maximum
    if low is not None and high is not None:
        return f"a {noun} from {low:g} to {high:g}"
    if low == 0:
        return f"a non-negative {noun}"
    if low is not None:
        return f"a {noun} of at least {low:g}"
    return f"a {noun}"


def _check_value(setting: Setting, value: Any, where: str, config_path: Path | None) -> Any:
    kind = setting.type
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if ok and kind in (int, float):
        ok = (setting.minimum is None or value >= setting.minimum) and (
            setting.maximum is None or value <= setting.maximum
        )
    if not ok:
        raise UserError(f"{where}{setting.key} must be {_describe(setting)}, got {value!r}")
    complaint = setting.check(value) if setting.check else None
    if complaint:
        raise UserError(f"{where}{setting.key} {complaint}, got {value!r}")
    if setting.is_file and value:
        root = config_path.parent if config_path else Path.cwd()
        path = Path(value).expanduser()
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise UserError(
                f'{where}{setting.key}: no such file {str(path)!r}; fix the path or set it to "" to turn this off'
            )
    return value
