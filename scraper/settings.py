"""Every config setting, declared once: a field of a typed settings dataclass.

Each `[section]` of `config.toml` is a dataclass below (or, for the storage library, in
`archive.settings`); each field is a setting: its name, type and default, and in its metadata
(`setting(...)`) the help text and what is allowed (bounds, a check, a file that must exist).
The registry (`SETTINGS`, `REGISTRY`) is read off those fields, in the style of Datasette's
`SETTINGS`: the loader validates `config.toml` against it (unknown sections and keys are errors
with a "did you mean" hint), fills in defaults and hands each section's typed values to its
dataclass, so a setting is written in exactly one place and the code reads it typed
(`daemon_settings(config).grace_seconds`). `config.toml` is checked against the
registry by a test, so it documents every setting with its true default.

To add a setting: add a field to its section's dataclass, and the key with its default and a
comment to `config.toml`. A new section: a dataclass registered with `@section("name")`.

A setting may be parsed at load (`parsed(...)`): `[daemon] housekeeping` is written as text and
held as a `Schedule`, parsed once when the config is read.

`[sources.<name>]` tables and `[orgs]` are open tables: their keys are chosen
by the user and validated by their owners (`scraper.discover.sources`,
`scraper.config`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol, TypeVar, get_type_hints

from archive.settings import StorageSettings, WaybackSettings, http_url_complaint, optional_http_url_complaint

from .errors import UserError
from .schedule import Schedule, parse_schedule

T = TypeVar("T")
C = TypeVar("C", bound=type)
Values = Mapping[str, Mapping[str, Any]]

# DISARM's public repository (scraper.disarm.source reads it from here: settings sit below every feature)
DISARM_REPOSITORY = "DISARMFoundation/DISARMframeworks"
DISARM_RAW_BASE = f"https://raw.githubusercontent.com/{DISARM_REPOSITORY}"
DISARM_API_BASE = f"https://api.github.com/repos/{DISARM_REPOSITORY}"


class HasSettings(Protocol):
    """A loaded config (`scraper.config.Config`), as far as a settings dataclass reads it."""

    @property
    def settings(self) -> Values: ...


OPEN_SECTIONS = ("sources", "orgs")

DEFAULT_USER_AGENT = "takedown-archiver/0.1 (+https://github.com/DISARMFoundation; archiving takedown reports)"


def setting(
    default: T,
    help: str,
    *,
    minimum: float | None = 0,
    maximum: float | None = None,
    is_file: bool = False,
    check: Callable[[Any], str | None] | None = None,
) -> T:
    """A settings-dataclass field: its default, and (metadata) its help and what values are allowed."""
    facts = {"help": help, "minimum": minimum, "maximum": maximum, "is_file": is_file, "check": check}
    return field(default=default, metadata=facts)


def parsed(text: str, parse: Callable[[Any], T], help: str) -> T:
    """A field written as text in config.toml and held parsed (`parse` raises UserError on bad text)."""
    return field(default=parse(text), metadata={"help": help, "text": text, "parse": parse})


@dataclass(frozen=True)
class Setting:
    """One field of a settings dataclass, as the loader validates it and config.toml documents it."""

    section: str  # dotted table name, e.g. "archive.wayback"
    name: str
    type: type  # str, int, float or bool: the TOML value's type
    default: Any  # as config.toml writes it
    help: str
    minimum: float | None = 0  # numbers: smallest allowed value (None: no bound)
    maximum: float | None = None
    is_file: bool = False  # a path (relative to the config's folder) that must exist when set
    check: Callable[[Any], str | None] | None = None  # returns a complaint, or None when fine
    parse: Callable[[Any], Any] | None = None  # turns the checked value into the field's type (UserError if bad)
    value: Any = None  # the field's default, as the code holds it (parsed)

    @property
    def key(self) -> str:
        return f"[{self.section}] {self.name}"


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


SECTIONS: dict[str, type] = {}  # "[section]" name -> its dataclass, in the order config.toml lists them


def section(name: str) -> Callable[[C], C]:
    """Register a settings dataclass as the declaration of `[name]`."""

    def register(cls: C) -> C:
        SECTIONS[name] = cls
        return cls

    return register


@section("data")
@dataclass(frozen=True)
class DataSettings:
    dir: str = setting("data", "where WARC files, the SQLite catalogue and exports go")


@section("catalogue")
@dataclass(frozen=True)
class CatalogueSettings:
    url: str = setting("", "any SQLAlchemy URL; empty means an SQLite file at <data.dir>/catalogue.sqlite")


@section("warc")
@dataclass(frozen=True)
class WarcSettings:
    max_file_bytes: int = setting(
        1073741824, "start a new WARC file once the current one is larger than this", minimum=1
    )


section("storage")(StorageSettings)  # the storage library declares its own settings (archive.settings)


@section("http")
@dataclass(frozen=True)
class HttpSettings:
    """`[http]`: how every request is made, paced and retried."""

    user_agent: str = setting(DEFAULT_USER_AGENT, "sent with every request, so site operators know who we are")
    connect_timeout: float = setting(10.0, "seconds to establish a connection")
    read_timeout: float = setting(30.0, "seconds between bytes")
    total_timeout: float = setting(120.0, "seconds one URL may take in all: every attempt, redirect and retry wait")
    max_body_bytes: int = setting(52428800, "bytes on the wire; larger bodies are aborted")
    max_decompressed_bytes: int = setting(
        209715200, "bytes after gzip/deflate/br, counted as the body streams in: stops decompression bombs"
    )
    max_redirects: int = setting(10, "redirect hops followed before giving up")
    allow_private_networks: bool = setting(
        False, "allow URLs resolving to private, loopback, link-local or metadata addresses"
    )
    per_host_delay: float = setting(2.0, "seconds between the starts of two requests to one host")
    per_host_concurrency: int = setting(1, "requests in flight to one host", minimum=1)
    global_concurrency: int = setting(8, "requests in flight to all hosts together", minimum=1)
    retry_attempts: int = setting(
        4, "tries for retryable failures (connect errors, timeouts, 408, 429, 5xx)", minimum=1
    )
    retry_initial_wait: float = setting(2.0, "seconds before the first retry (then exponential, with jitter)")
    retry_max_wait: float = setting(120.0, "longest wait between two tries, in seconds")
    retry_max_seconds: float = setting(600.0, "seconds spent retrying one URL in all")
    retry_after_cap: float = setting(900.0, "longest Retry-After honoured, in seconds")
    respect_robots: bool = setting(True, "honour robots.txt (a source can opt out for itself, logged)")
    robots_ttl: float = setting(86400.0, "seconds a host's robots.txt is cached")
    max_crawl_delay: float = setting(60.0, "largest Crawl-delay honoured, in seconds")


@section("extract")
@dataclass(frozen=True)
class ExtractSettings:
    """`[extract]`: the worker processes every page is extracted in (scraper.extract.pool)."""

    workers: int = setting(
        0,
        "extraction processes a poll runs at once (0: one page at a time, after storing it); "
        "a poll keeps workers + 2 items in flight",
    )
    cpu_seconds: int = setting(
        60,
        "CPU seconds one page's extraction process may use (setrlimit); past it the item fails and is retried later",
        minimum=1,
    )
    memory_bytes: int = setting(
        1073741824, "address space of one page's extraction process (setrlimit)", minimum=128 * 1024 * 1024
    )
    wall_seconds: float = setting(
        120.0, "how long to wait for one page's extraction process before killing it", minimum=1
    )


@section("extract.pdf")
@dataclass(frozen=True)
class PdfLimits:
    """`[extract.pdf]`: the limits of the PDF worker process (scraper.extract.pdf_worker)."""

    max_pages: int = setting(1000, "pages of a PDF read; the rest are skipped (page-tree bombs)", minimum=1)
    max_text_chars: int = setting(5000000, "characters of PDF text kept", minimum=1)
    cpu_seconds: int = setting(60, "CPU seconds the PDF worker process may use (setrlimit)", minimum=1)
    memory_bytes: int = setting(
        1073741824, "address space of the PDF worker process (setrlimit)", minimum=64 * 1024 * 1024
    )
    wall_seconds: float = setting(120.0, "how long to wait for the PDF worker before killing it", minimum=1)


@section("render")
@dataclass
class RenderSettings:
    """`[render]`: the browser capture (scraper.fetch.browser)."""

    chromium: str = setting(
        "/usr/bin/chromium", "the Chromium binary driven by Playwright for --render / render = true"
    )
    budget_seconds: float = setting(30.0, "total time for one rendered page: load, settle, screenshot, DOM", minimum=1)
    settle_seconds: float = setting(2.0, "after load, wait up to this long for the network to go quiet")
    max_requests: int = setting(300, "requests one page may make; the rest are refused", minimum=1)
    max_bytes: int = setting(
        50 * 1024 * 1024, "bytes of responses one page may receive; the rest are refused", minimum=1024
    )
    viewport_width: int = setting(1280, "CSS pixels; the screenshot's width", minimum=100)
    viewport_height: int = setting(800, "CSS pixels; the screenshot is the full page, at least this tall", minimum=100)
    contexts: int = setting(2, "browser contexts (pages) rendered at once by one browser process", minimum=1)
    restart_after_pages: int = setting(200, "restart the browser process after this many pages", minimum=1)

    @classmethod
    def from_config(cls, config: HasSettings) -> RenderSettings:
        return cls(**config.settings["render"])


section("archive.wayback")(WaybackSettings)  # the storage library declares its own settings (archive.settings)


@section("stubs")
@dataclass(frozen=True)
class StubsTable:
    """`[stubs]` as written; `scraper.stubs.settings.StubSettings` resolves its paths and feed URL."""

    id_prefix: str = setting("TA-", "provisional stub ids TA-00001...; never I00000-like", check=_id_prefix_complaint)
    disarm_master: str = setting(
        "", "path to DISARM_DATA_MASTER.xlsx: URLs it lists are never stubbed again", is_file=True
    )
    found_via: str = setting(
        "", "DISARM's Found via code for new stubs (empty, or a short code like OII)", check=_found_via_complaint
    )
    cluster_window_days: int = setting(
        14, "reports this close in date (same platform, origin, a matching count) share one stub"
    )
    feed_file: str = setting("stubs.atom", "Atom feed of new stubs, under the data folder")
    feed_url: str = setting(
        "",
        "public URL of the Atom feed (its self link), e.g. https://desk.example.org/feed.atom; "
        "empty: the desk's /feed.atom on [web] host and port",
        check=optional_http_url_complaint,
    )


@section("techniques")
@dataclass(frozen=True)
class TechniquesTable:
    """`[techniques]` as written; `scraper.techniques.settings.TechniqueSettings` resolves the files."""

    framework: str = setting(
        "",
        "DISARM's framework workbook (sheets techniques, tactics); empty: the copy in use (`takedowns disarm show`)",
    )
    mappings: str = setting(
        "", "DISARM_DATA_MASTER.xlsx with the curators' incidenttechniques sheet; empty: the copy in use"
    )
    stix_bundle: str = setting(
        "",
        "DISARM's STIX bundle (DISARM.json), whose attack-pattern ids STIX exports reuse; empty: the copy in use",
    )
    top: int = setting(5, "technique suggestions per stub", minimum=1, maximum=50)


@section("disarm")
@dataclass(frozen=True)
class DisarmSettings:
    """`[disarm]`: where DISARM's repository is read from."""

    raw_base: str = setting(
        DISARM_RAW_BASE,
        "`takedowns disarm update` downloads <raw_base>/<commit>/<path in DISARM's repository>",
        check=http_url_complaint,
    )
    api_base: str = setting(
        DISARM_API_BASE,
        "GitHub API of DISARM's repository: turns a tag or branch into its commit (<api_base>/commits/<ref>)",
        check=http_url_complaint,
    )

    @classmethod
    def from_config(cls, config: HasSettings) -> DisarmSettings:
        return cls(**config.settings["disarm"])


@section("web")
@dataclass(frozen=True)
class WebSettings:
    """`[web]`: the review desk."""

    enabled: bool = setting(False, "the daemon also serves the review desk (same host and port)")
    host: str = setting("127.0.0.1", "address the desk listens on; any non-loopback address needs a token")
    port: int = setting(8765, "port of the desk", minimum=1, maximum=65535)
    auth: str = setting(
        "auto",
        "auto: a token is required off loopback or whenever one is set; token: always",
        check=_auth_complaint,
    )
    token_env: str = setting("TAKEDOWNS_WEB_TOKEN", "environment variable holding the desk's token (16+ characters)")
    page_size: int = setting(50, "stubs per queue page", minimum=1, maximum=500)
    claim_minutes: int = setting(
        120, "how long a curator's claim on a stub lasts before others may take it", minimum=1, maximum=10080
    )


@section("daemon")
@dataclass(frozen=True)
class DaemonSettings:
    """`[daemon]`: the scheduler (scraper.daemon)."""

    grace_seconds: float = setting(
        30.0,
        "on SIGTERM/SIGINT the daemon exits within this long: "
        "in-flight polls get it less a quarter (at most 2 s) to finish",
    )
    jitter_seconds: float = setting(60.0, "random delay added to each run (at most a tenth of the period)")
    misfire_fraction: float = setting(0.5, "a late run still starts within this fraction of its period", maximum=1)
    failing_threshold_hours: float = setting(24.0, "`takedowns status` exits 1 when a source has failed for longer")
    housekeeping: Schedule = parsed(
        "15m", parse_schedule, "how often pending Wayback jobs are polled and the stub feed regenerated"
    )
    run_on_start: bool = setting(True, "a source that has never run runs as soon as the daemon starts")
    item_max_tries: int = setting(
        5, "an item that keeps failing (any stage) is given up after this many tries", minimum=1
    )
    item_retry_seconds: float = setting(
        3600.0, "a failed item waits this long before its next try, doubling each time (at most 7 days)"
    )


def _setting(section_name: str, f: Any, hints: Mapping[str, Any]) -> Setting:
    """The registry's view of one dataclass field."""
    meta = f.metadata
    if "help" not in meta or f.default is MISSING:
        raise TypeError(f"[{section_name}] {f.name}: a settings field needs a default and help (use setting())")
    text = meta.get("text", f.default)  # a parsed setting: as written in config.toml
    return Setting(
        section=section_name,
        name=f.name,
        type=type(text) if "parse" in meta else hints[f.name],
        default=text,
        help=meta["help"],
        minimum=meta.get("minimum", 0),
        maximum=meta.get("maximum"),
        is_file=meta.get("is_file", False),
        check=meta.get("check"),
        parse=meta.get("parse"),
        value=f.default,
    )


def _read_sections() -> tuple[Setting, ...]:
    found: list[Setting] = []
    for name, cls in SECTIONS.items():
        hints = get_type_hints(cls)
        found.extend(_setting(name, f, hints) for f in fields(cls))
    return tuple(found)


SETTINGS: tuple[Setting, ...] = _read_sections()
REGISTRY: dict[str, dict[str, Setting]] = {}
for _s in SETTINGS:
    REGISTRY.setdefault(_s.section, {})[_s.name] = _s


def defaults() -> dict[str, dict[str, Any]]:
    return {section: {n: s.value for n, s in table.items()} for section, table in REGISTRY.items()}


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
                f"{where}{top!r} is outside any section{did_you_mean(top, [s.name for s in SETTINGS])}; put it under "
                "its [section]"
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
    if setting.parse:
        try:
            return setting.parse(value)
        except UserError as exc:
            raise UserError(f"{where}{setting.key} {exc}") from None
    if setting.is_file and value:
        root = config_path.parent if config_path else Path.cwd()
        path = Path(value).expanduser()
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise UserError(
                f'{where}{setting.key}: no such file {str(path)!r}; fix the path or set it to "" to turn this off'
            )
    return value
