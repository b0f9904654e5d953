"""What route modules share with the app: the config, the catalogue and the app's helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.errors import UserError
from scraper.stubs.actor import acting_as

from .settings import WebSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Kit:
    config: Config
    settings: WebSettings
    catalogue: Catalogue
    render: Callable[..., Response]  # render(request, template, status=200, **context)
    db: Callable[[Callable[[Session], Any]], Awaitable[Any]]  # run fn(session) off the event loop
    checked_form: Callable[[Request], Awaitable[FormData]]  # the POSTed form, CSRF-checked
    fail: Callable[[Request, UserError], Response]  # the error page


def curator(request: Request) -> str | None:
    """The signed-in curator's name (None: the shared token, or an open loopback desk)."""
    return request.scope.get("state", {}).get("curator")


def local_path(value: str, default: str = "/queue") -> str:
    """A redirect target from a form: a path on this desk only (never `//elsewhere`)."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else default


def as_curator(name: str | None, run: Callable[..., T]) -> Callable[..., T]:
    """`run`, recording its stub changes as `name`'s (it runs in a worker thread: the name goes with it)."""

    def work(*args: Any) -> T:
        with acting_as(name):
            return run(*args)

    return work
