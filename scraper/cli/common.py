"""Shared CLI plumbing: the --config/--json options, logging set-up, JSON output."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any

import click

from archive.quickread import Reader, open_reader
from scraper.config import Config, load_config

CONFIG_META_KEY = "takedowns.config_path"
JSON_META_KEY = "takedowns.json"
VERBOSE_META_KEY = "takedowns.verbose"


def with_config(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--config PATH` to a command and pass the loaded Config as `config`."""

    @click.option(
        "--config",
        "config_path",
        type=str,
        default=None,
        help="Config file (default: $TAKEDOWNS_CONFIG, then ./config.toml).",
    )
    @functools.wraps(fn)
    def wrapper(*args: Any, config_path: str | None, **kwargs: Any) -> Any:
        path = config_path or click.get_current_context().meta.get(CONFIG_META_KEY)
        return fn(*args, config=load_config(path), **kwargs)

    return wrapper


@contextmanager
def catalogue_reader(config: Config) -> Iterator[Reader]:
    """Plain-SQL reads (archive.quickread) for commands that must start fast: on a driver
    connection of their own when the catalogue is current, else through the Catalogue
    (SQLAlchemy), which creates or migrates it first."""
    with open_reader(config.catalogue_url) as reader:
        if reader is not None:
            yield reader
            return
    from archive.catalogue import Catalogue  # SQLAlchemy: only when there is no current catalogue to read

    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        with catalogue.reader() as pooled:
            yield pooled
    finally:
        catalogue.dispose()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def utc_iso(value: datetime | None) -> str | None:
    """ISO 8601 with its zone; the catalogue stores naive UTC, so naive means UTC."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.isoformat(timespec="seconds").replace("+00:00", "Z")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@contextmanager
def terminal_progress(label: str, verb: str) -> Iterator[Callable[[str], None] | None]:
    """A rich progress line on a terminal only (yields `advance(item)`); scripts and logs get None."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), transient=True, console=Console(stderr=True)
    ) as bar:
        task = bar.add_task(label)
        yield lambda item: bar.update(task, description=f"{verb} {item[:100]}", refresh=True)


def render_table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    """Text table lines: a header row, then left-aligned columns two spaces apart."""
    cells = [tuple(str(v) for v in header)] + [tuple(str(v) for v in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default) + "\n")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("source", "url"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _carries(message: str, key: str, value: str) -> bool:
    """Whether a log line's message already says `key`: a URL written out in it does, but a
    source's name in the text (often a plain word, "meta") does not unless as `source=NAME`."""
    return f"{key}={value}" in message or (key == "url" and value in message)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = record.getMessage()
        line = f"{stamp} {record.levelname.lower():7} {message}"
        extras = [
            f"{k}={getattr(record, k)}"
            for k in ("source", "url")
            if hasattr(record, k) and not _carries(message, k, str(getattr(record, k)))
        ]
        return line + (" [" + " ".join(extras) + "]" if extras else "")


def setup_logging(log_format: str = "text", verbose: int = 0) -> None:
    """Logs go to stderr so stdout stays clean for --json output."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG)
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose < 3 else logging.DEBUG)
