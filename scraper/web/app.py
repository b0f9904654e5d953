"""The review desk (Starlette + Jinja2): the routes of `routes/`, their templates, and the guard in front.

Pages are read-only GETs; every change is a CSRF-checked POST (security.py checks the token and the
CSRF cookie of every request before a route sees it).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from archive.catalogue import Catalogue
from scraper import curators
from scraper.config import Config
from scraper.techniques import ahead as technique_model

from . import search
from .edits import edit_value
from .kit import Kit
from .routes import captures, export, feed, queue, sources, stubs, team, techniques
from .security import DeskGuard
from .settings import WebSettings, needs_sign_in

STATIC = Path(__file__).parent / "static"
ROUTES: list[BaseRoute] = [
    *team.ROUTES,
    *queue.ROUTES,
    *stubs.ROUTES,
    *techniques.ROUTES,
    *captures.ROUTES,
    *export.ROUTES,
    *sources.ROUTES,
    *feed.ROUTES,
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("scraper.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["edit_value"] = edit_value
    return env


def create_app(config: Config, settings: WebSettings, token: str | None) -> Starlette:
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    search.prepare(catalogue.engine)
    app = Starlette(routes=ROUTES, lifespan=_lifespan)
    app.state.kit = Kit(config, settings, catalogue, templates())
    app.state.catalogue = catalogue
    sign_in = needs_sign_in(settings, token)
    who = partial(_who, catalogue)
    return DeskGuard(app, token, local_only=not sign_in, who=who, sign_in=sign_in)  # type: ignore[return-value]


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    kit: Kit = app.state.kit
    technique_model.start(kit.config)  # in the background: the first suggestion need not wait for it
    yield
    kit.catalogue.dispose()


async def _who(catalogue: Catalogue, given: str) -> str | None:
    """The curator whose token was given, if any (DeskGuard asks when a token is not the shared one)."""
    return await run_in_threadpool(curators.who, catalogue, given)
