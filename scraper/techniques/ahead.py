"""Building the technique model ahead of the first suggestion, and how far that build is.

Called when the desk or the daemon starts. The heavy imports (scikit-learn, numpy) happen in
the background thread too, so starting the desk stays fast; without the optional extra or
DISARM's spreadsheets nothing is built and suggestions explain what is missing when asked for.
"""

from __future__ import annotations

import logging
import sys
import threading

from scraper.config import Config

from .settings import TechniqueSettings

log = logging.getLogger(__name__)
CACHE_MODULE = "scraper.techniques.cache"
_THREADS: dict[tuple, threading.Thread] = {}  # the build-ahead thread of each (framework, mappings)


def start(config: Config) -> threading.Thread | None:
    settings = TechniqueSettings.from_config(config)
    if not (settings.framework.is_file() and settings.mappings.is_file()):
        log.info("technique model not built ahead: %s or %s is missing", settings.framework, settings.mappings)
        return None

    def run() -> None:
        try:
            from . import cache
        except ImportError as exc:
            log.info("technique model not built ahead: %s is not installed", exc.name)
            return
        try:
            cache.load_model(settings)
        except Exception as exc:  # noqa: BLE001 - the desk shows the failure; a suggestion retries
            log.warning("technique model build failed: %s", exc)

    thread = threading.Thread(target=run, name="technique-model", daemon=True)
    _THREADS[(settings.framework, settings.mappings)] = thread
    thread.start()
    return thread


def status(config: Config) -> dict | None:
    """The model build's phase and seconds so far (None: no build in this process)."""
    settings = TechniqueSettings.from_config(config)
    cache = sys.modules.get(CACHE_MODULE)  # never imported here: reading the state must stay cheap
    # While the build thread is still importing it, the module is in sys.modules half-initialised.
    build_state = getattr(cache, "build_state", None)
    build = build_state(settings) if build_state is not None else None
    if build is not None:
        return build.to_dict()
    thread = _THREADS.get((settings.framework, settings.mappings))
    if thread is not None and thread.is_alive():  # importing scikit-learn, or reading the cached model
        return {"phase": "loading the model", "seconds": None, "building": True, "error": ""}
    return None
