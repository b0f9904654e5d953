"""What route modules share: the config, the catalogue, the templates, and the ways a handler answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.errors import UserError
from scraper.stubs.actor import acting_as

from .messages import for_desk
from .security import CSRF_FIELD, csrf_ok
from .settings import WebSettings

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Kit:
    """One per app (`create_app` keeps it in `app.state.kit`; a handler gets it with `kit_of`)."""

    config: Config
    settings: WebSettings
    catalogue: Catalogue
    templates: Environment

    async def db(self, fn: Callable[[Session], T]) -> T:
        """Run fn(session) off the event loop, in one transaction."""

        def work() -> T:
            with self.catalogue.session() as s:
                return fn(s)

        return await run_in_threadpool(work)

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = self.templates.get_template(template).render(
            request=request,
            csrf=request.scope["state"]["csrf"],
            csrf_field=CSRF_FIELD,
            done=request.query_params.get("done", ""),
            undo=_undo_id(request),
            curator=curator(request),
            **context,
        )
        return Response(html, status_code=status, media_type="text/html; charset=utf-8")

    def fail(self, request: Request, exc: UserError) -> Response:
        """The error page: 404 for a stub or capture that does not exist, else 400."""
        message = for_desk(str(exc))
        status = 404 if message.startswith(("no stub", "no capture")) else 400
        return self.render(
            request, "error.html", status=status, message=message, back=request.headers.get("referer", "")
        )

    async def checked_form(self, request: Request) -> FormData:
        """The POSTed form, CSRF-checked."""
        form = await request.form()
        if not csrf_ok(request.scope, str(form.get(CSRF_FIELD) or "")):
            raise HTTPException(403, "error: missing or wrong CSRF token: reload the desk page and try again")
        return form

    async def shown(self, request: Request, load: Callable[[Session], Any], template: str, name: str) -> Response:
        """A page of one thing (a stub, a capture), or the error page when it does not exist."""
        try:
            value = await self.db(load)
        except UserError as exc:
            return self.fail(request, exc)
        return self.render(request, template, **{name: value})


def kit_of(request: Request) -> Kit:
    return cast(Kit, request.app.state.kit)


def stub_post(
    run: Callable[[Kit, str, FormData], R], respond: Callable[[Request, str, FormData, R], Awaitable[Response]]
) -> Callable[[Request], Awaitable[Response]]:
    """A CSRF-checked POST on one stub: run the change off the event loop as the curator, then `respond`
    (a redirect), or show the error page."""

    async def endpoint(request: Request) -> Response:
        kit = kit_of(request)
        form = await kit.checked_form(request)
        stub_id = request.path_params["stub_id"]
        try:
            result = await run_in_threadpool(as_curator(curator(request), run), kit, stub_id, form)
        except UserError as exc:
            return kit.fail(request, exc)
        return await respond(request, stub_id, form, result)

    return endpoint


def _undo_id(request: Request) -> int | None:
    value = request.query_params.get("undo", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


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
