"""The fitted model, built ahead in the background when the desk or the daemon starts (or at
first use), cached under the data folder and kept in memory once read.

The cache key is a digest of the framework and mappings files and the model version, so
a curator dropping in a newer DISARM spreadsheet retrains once, and nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.clock import utcnow
from scraper.errors import UserError
from scraper.files import PUBLIC_MODE, atomic_write

from .framework import Technique, load_framework
from .mappings import load_mappings
from .model import MODEL_VERSION, TechniqueModel
from .settings import TechniqueSettings

log = logging.getLogger(__name__)


def _digest(*paths: Path) -> str:
    h = hashlib.sha256(MODEL_VERSION.encode())
    for p in paths:
        try:
            h.update(p.read_bytes())
        except FileNotFoundError:
            raise UserError(
                f"DISARM spreadsheet not found: {p} (set [techniques] framework/mappings in config.toml)"
            ) from None
        except OSError as exc:
            raise UserError(f"cannot read {p}: {exc.strerror}") from None
    return h.hexdigest()[:20]


def framework_of(settings: TechniqueSettings) -> dict[str, Technique]:
    return load_framework(settings.framework)


@dataclass
class Build:
    """A model build in this process, for the desk to show while it runs."""

    phase: str  # what it is doing now; "ready" or "failed" once done
    started_at: datetime
    started: float  # time.monotonic()
    finished: float | None = None
    error: str = ""

    def seconds(self) -> float:
        return round((self.finished or time.monotonic()) - self.started, 1)

    def to_dict(self) -> dict:
        return {"phase": self.phase, "seconds": self.seconds(), "building": self.finished is None, "error": self.error}


_LOCKS: dict[
    tuple[Path, Path, Path], threading.Lock
] = {}  # per model: a suggestion during its build waits, never builds again
_GUARD = threading.Lock()
_BUILDS: dict[tuple[Path, Path], Build] = {}
_LOADED: dict[Path, TechniqueModel] = {}  # the model read last, kept: unpickling again takes seconds


def build_state(settings: TechniqueSettings) -> Build | None:
    """The latest build of these files' model in this process (None: none was needed or started)."""
    return _BUILDS.get((settings.framework, settings.mappings))


def load_model(settings: TechniqueSettings) -> TechniqueModel:
    """The cached model for these files, fitting and caching it when absent or unreadable."""
    key = (settings.framework, settings.mappings, settings.cache_dir)
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        return _load(settings)


def _load(settings: TechniqueSettings) -> TechniqueModel:
    path = settings.cache_dir / f"model-{_digest(settings.framework, settings.mappings)}.pkl"
    if path in _LOADED:
        return _LOADED[path]
    if path.is_file():
        try:
            with open(path, "rb") as f:
                model = pickle.load(f)  # our own file under the data folder, keyed by content digest
            if isinstance(model, TechniqueModel):
                _LOADED.clear()  # one model in memory at most
                _LOADED[path] = model
                return model
        except Exception:  # noqa: BLE001 - a stale or damaged cache is rebuilt, never fatal
            log.warning("technique model cache %s unreadable; rebuilding", path)
    build = _BUILDS[(settings.framework, settings.mappings)] = Build(
        "reading DISARM's spreadsheets", utcnow(), time.monotonic()
    )
    try:
        framework = load_framework(settings.framework)
        incidents = load_mappings(settings.mappings, framework)
        if not incidents:
            raise UserError(
                f"{settings.mappings.name} sheet 'incidenttechniques' has no usable rows (incident id + technique ids)"
            )
        build.phase = f"fitting the model on {len(incidents)} mapped incidents"
        model = TechniqueModel(framework, incidents)
        build.phase = "saving the model cache"
        try:  # 0644 like the other data files: it holds nothing private (DISARM's public spreadsheets, fitted)
            atomic_write(path, lambda tmp: tmp.write_bytes(pickle.dumps(model)), PUBLIC_MODE)
        except OSError as exc:
            log.warning("cannot cache the technique model in %s: %s", settings.cache_dir, exc.strerror)
    except BaseException as exc:
        build.phase, build.error, build.finished = "failed", str(exc), time.monotonic()
        raise
    build.phase, build.finished = "ready", time.monotonic()
    _LOADED.clear()
    _LOADED[path] = model
    return model
