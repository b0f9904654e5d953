"""The fitted model, trained at first use and cached under the data folder.

The cache key is a digest of the framework and mappings files and the model version, so
a curator dropping in a newer DISARM spreadsheet retrains once, and nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path

from scraper.errors import UserError
from scraper.files import atomic_write

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
            raise UserError(f"DISARM spreadsheet not found: {p} (set [techniques] framework/mappings in config.toml)") from None
        except OSError as exc:
            raise UserError(f"cannot read {p}: {exc.strerror}") from None
    return h.hexdigest()[:20]


def framework_of(settings: TechniqueSettings) -> dict[str, Technique]:
    return load_framework(settings.framework)


def load_model(settings: TechniqueSettings) -> TechniqueModel:
    """The cached model for these files, fitting and caching it when absent or unreadable."""
    path = settings.cache_dir / f"model-{_digest(settings.framework, settings.mappings)}.pkl"
    if path.is_file():
        try:
            with open(path, "rb") as f:
                model = pickle.load(f)  # our own file under the data folder, keyed by content digest
            if isinstance(model, TechniqueModel):
                return model
        except Exception:  # noqa: BLE001 - a stale or damaged cache is rebuilt, never fatal
            log.warning("technique model cache %s unreadable; rebuilding", path)
    framework = load_framework(settings.framework)
    incidents = load_mappings(settings.mappings, framework)
    if not incidents:
        raise UserError(f"{settings.mappings.name} sheet 'incidenttechniques' has no usable rows (incident id + technique ids)")
    model = TechniqueModel(framework, incidents)
    try:
        atomic_write(path, lambda tmp: tmp.write_bytes(pickle.dumps(model)))
    except OSError as exc:
        log.warning("cannot cache the technique model in %s: %s", settings.cache_dir, exc.strerror)
    return model
