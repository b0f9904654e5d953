"""The review desk's routes (Starlette + Jinja2). Pages are read-only GETs; every change is a CSRF-checked POST."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archive.catalogue import Catalogue
from scraper import curators
from scraper.config import Config
from scraper.errors import UserError
from scraper.stubs import StubSettings, review, rewrite_feed
from scraper.stubs.settings import FEED_ROUTE
from scraper.techniques import ahead as technique_model
from scraper.techniques.decisions import decide_for_stub, suggest_for_stub
from scraper.techniques.settings import TechniqueSettings

from . import actions, bulk, search
from .exports import DOWNLOADS, export_download, parse_since
from .kit import Kit, as_curator, curator
from .messages import for_desk
from .queue import QueueFilter, load_queue, next_after
from .replay import load_capture, replay_body, wacz_bytes
from .security import CSRF_FIELD, REPLAY_CSP, DeskGuard, csrf_ok
from .settings import WebSettings, needs_sign_in
from .sources import load_sources
from .stubview import load_stub
from .team import team_view
from .team_routes import team_routes

T = TypeVar("T")
STATIC = Path(__file__).parent / "static"
_COUNT_LINE = re.compile(r"^\s*([a-z][a-z0-9_]{0,40})\s*[=:]\s*([0-9][0-9,]{0,12})\s*$")


def parse_counts(text: str) -> dict[str, int]:
    """`asset_type = N` lines (the edit form) -> counts; a malformed line is the user's to fix."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _COUNT_LINE.match(line)
        if not m:
            raise UserError(
                f"counts: cannot read {line.strip()[:60]!r}: write one `asset_type = number` per line, e.g. facebook_accounts = 93"
            )
        counts[m.group(1)] = int(m.group(2).replace(",", ""))
    return counts


FILTER_PARAMS = {
    "status",
    "platform",
    "origin",
    "target",
    "from",
    "to",
    "q",
    "disagree",
    "check",
}  # an export with any of these follows the queue's filters
UNDOABLE = {"accepted": "accept", "rejected": "reject", "merged": "merge"}  # desk action -> undoable batch


def edit_value(value: Any) -> str:
    """An edited field as a curator reads it: counts as `k = n` pairs, countries as a list, never a Python repr."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v:,}" if isinstance(v, int) else f"{k} = {v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def undo_id(request: Request) -> int | None:
    value = request.query_params.get("undo", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def parse_countries(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def create_app(config: Config, settings: WebSettings, token: str | None) -> Starlette:
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    search.prepare(catalogue.engine)
    env = Environment(
        loader=PackageLoader("scraper.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["edit_value"] = edit_value

    async def db(fn: Callable[[Session], T]) -> T:
        def work() -> T:
            with catalogue.session() as s:
                return fn(s)

        return await run_in_threadpool(work)

    def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = env.get_template(template).render(
            request=request,
            csrf=request.scope["state"]["csrf"],
            csrf_field=CSRF_FIELD,
            done=request.query_params.get("done", ""),
            undo=undo_id(request),
            curator=curator(request),
            **context,
        )
        return Response(html, status_code=status, media_type="text/html; charset=utf-8")

    def fail(request: Request, exc: UserError) -> Response:
        message = for_desk(str(exc))
        status = 404 if message.startswith(("no stub", "no capture")) else 400
        return render(request, "error.html", status=status, message=message, back=request.headers.get("referer", ""))

    async def checked_form(request: Request) -> FormData:
        form = await request.form()
        if not csrf_ok(request.scope, str(form.get(CSRF_FIELD) or "")):
            raise HTTPException(403, "error: missing or wrong CSRF token: reload the desk page and try again")
        return form

    async def home(request: Request) -> Response:
        return RedirectResponse("/queue", status_code=303)

    async def queue(request: Request) -> Response:
        try:
            f = QueueFilter.from_params(dict(request.query_params))
        except UserError as exc:
            return fail(request, exc)
        page = await db(lambda s: load_queue(s, f, settings.page_size))
        return render(request, "queue.html", page=page, export_query=f.export_string())

    async def shown(request: Request, load: Callable[[Session], Any], template: str, name: str) -> Response:
        """A page of one thing (a stub, a capture), or the error page when it does not exist."""
        try:
            value = await db(load)
        except UserError as exc:
            return fail(request, exc)
        return render(request, template, **{name: value})

    async def stub(request: Request) -> Response:
        stub_id = request.path_params["stub_id"]
        try:
            v, crew = await db(lambda s: (lambda v: (v, team_view(s, v.stub.id)))(load_stub(s, stub_id)))
        except UserError as exc:
            return fail(request, exc)
        return render(request, "stub.html", v=v, team=crew, model=technique_model.status(config))

    def stub_post(
        run: Callable[[str, FormData], T], respond: Callable[[Request, str, FormData, T], Any]
    ) -> Callable[[Request], Any]:
        """A CSRF-checked POST on one stub: run the change off the event loop, then redirect (or show the error)."""

        async def endpoint(request: Request) -> Response:
            form = await checked_form(request)
            stub_id = request.path_params["stub_id"]
            try:
                result = await run_in_threadpool(as_curator(curator(request), run), stub_id, form)
            except UserError as exc:
                return fail(request, exc)
            return await respond(request, stub_id, form, result)

        return endpoint

    def action(name: str, run: Callable[[str, FormData], Any]) -> Callable[[Request], Any]:
        async def respond(request: Request, _stub_id: str, form: FormData, result: Any) -> Response:
            target = result.stub_id
            if form.get("next") == "1" and result.status != "new":
                target = await db(lambda s: next_after(s, result.stub_id)) or target
            params: dict[str, Any] = {"done": f"{result.stub_id} {name}"}
            if name in UNDOABLE:  # the flash offers an undo (the `a` key's accept included)
                changed = result.also if name == "merged" else [result.stub_id]
                params["undo"] = await run_in_threadpool(
                    bulk.record, catalogue, UNDOABLE[name], changed, curator(request)
                )
            return RedirectResponse(
                f"/stubs/{quote(target)}?{urlencode({k: v for k, v in params.items() if v})}", status_code=303
            )

        return stub_post(run, respond)

    def do_edit(stub_id: str, form: FormData) -> Any:
        values: dict[str, Any] = {}
        for key in ("name", "summary"):
            if key in form:
                values[key] = str(form[key]).strip()
        for key in ("origin", "targets"):
            if key in form:
                values[key] = parse_countries(str(form[key]))
        if "counts" in form:
            values["counts"] = parse_counts(str(form["counts"]))
        with catalogue.session() as s:  # only what the curator changed becomes an edit
            current = review.get_stub(s, stub_id)
            values = {k: v for k, v in values.items() if getattr(current, k) != v}
        if not values:
            raise UserError("nothing changed: change a field before saving the edit")
        return actions.edit(config, catalogue, stub_id, values)

    def technique_endpoint(run: Callable[[str, FormData], str]) -> Callable[[Request], Any]:
        """A technique decision or a fresh suggestion run, then back to the stub's technique section."""

        async def respond(_request: Request, stub_id: str, _form: FormData, done: str) -> Response:
            return RedirectResponse(f"/stubs/{quote(stub_id)}?{urlencode({'done': done})}#techniques", status_code=303)

        return stub_post(run, respond)

    def decide_technique(stub_id: str, form: FormData) -> str:
        decision = str(form.get("decision") or "")
        ids, _accepted = decide_for_stub(
            TechniqueSettings.from_config(config), catalogue, stub_id, decision, [str(form.get("technique_id") or "")]
        )
        return f"{stub_id} {decision}ed {', '.join(ids)}"

    def suggest_techniques(stub_id: str, form: FormData) -> str:
        found = suggest_for_stub(TechniqueSettings.from_config(config), catalogue, stub_id)
        return f"{stub_id}: {len(found)} technique suggestion(s)"

    async def capture_page(request: Request) -> Response:
        capture_id = request.path_params["capture_id"]
        return await shown(request, lambda s: load_capture(s, capture_id), "capture.html", "info")

    async def capture_replay(request: Request) -> Response:
        capture_id = request.path_params["capture_id"]
        try:
            info = await db(lambda s: load_capture(s, capture_id))
            body, media = await run_in_threadpool(replay_body, config, info.capture)
        except UserError as exc:
            return PlainTextResponse(
                f"error: {exc}\n",
                status_code=404 if str(exc).startswith("no capture") else 500,
                headers={"content-security-policy": REPLAY_CSP},
            )
        return Response(
            body,
            media_type=media,
            headers={
                "content-security-policy": REPLAY_CSP,
                "content-disposition": "inline",
                "x-capture-digest": f"sha256:{info.capture.payload_sha256}",
            },
        )

    async def capture_wacz(request: Request) -> Response:
        capture_id = request.path_params["capture_id"]
        try:
            info = await db(lambda s: load_capture(s, capture_id))
            package = await run_in_threadpool(wacz_bytes, config, catalogue, info.capture)
        except UserError as exc:
            return fail(request, exc)
        return Response(
            package,
            media_type="application/wacz",
            headers={"content-disposition": f'attachment; filename="capture-{info.capture.id}.wacz"'},
        )

    async def download(request: Request) -> Response:
        """One export, of the stubs the queue's filters (in the query) list, changed `since` a time if given."""
        name = request.path_params.get("name") or request.query_params.get("name", "")
        if name not in DOWNLOADS:
            raise HTTPException(404, f"error: no export {name!r}: choose one of {', '.join(DOWNLOADS)}")
        params = dict(request.query_params)
        filtered = QueueFilter.from_params({"status": "", **params}) if set(params) & FILTER_PARAMS else None
        try:
            since = parse_since(params.get("since", ""))
            body, media = await run_in_threadpool(export_download, config, catalogue, name, filtered, since)
        except UserError as exc:
            return fail(request, exc)
        return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})

    async def model_progress(request: Request) -> Response:
        return JSONResponse(
            technique_model.status(config) or {"phase": "ready", "building": False, "seconds": None, "error": ""}
        )

    async def feed(request: Request) -> Response:
        """The Atom feed of new stubs, as the stub stage last wrote it (written now if it never was)."""

        def read() -> bytes:
            path = StubSettings.from_config(config).feed_path
            if not path.is_file():
                rewrite_feed(config, catalogue)
            return path.read_bytes()

        return Response(await run_in_threadpool(read), media_type="application/atom+xml")

    async def sources(request: Request) -> Response:
        view = await run_in_threadpool(load_sources, config, catalogue)
        return render(request, "sources.html", v=view)

    kit = Kit(config, settings, catalogue, render, db, checked_form, fail)
    routes = [
        *team_routes(kit),
        Route("/", home),
        Route("/queue", queue),
        Route("/stubs/{stub_id}", stub),
        Route(
            "/stubs/{stub_id}/accept",
            action(
                "accepted",
                lambda i, f: actions.accept(config, catalogue, i, str(f.get("disarm_id") or "").strip() or None),
            ),
            methods=["POST"],
        ),
        Route(
            "/stubs/{stub_id}/reject",
            action("rejected", lambda i, f: actions.reject(config, catalogue, i, str(f.get("reason") or ""))),
            methods=["POST"],
        ),
        Route(
            "/stubs/{stub_id}/merge",
            action("merged", lambda i, f: actions.merge(config, catalogue, i, str(f.get("other") or "").strip())),
            methods=["POST"],
        ),
        Route(
            "/stubs/{stub_id}/split",
            action("split", lambda i, f: actions.split(config, catalogue, i)),
            methods=["POST"],
        ),
        Route(
            "/stubs/{stub_id}/reopen",
            action("reopened", lambda i, f: actions.reopen(config, catalogue, i)),
            methods=["POST"],
        ),
        Route("/stubs/{stub_id}/edit", action("edited", do_edit), methods=["POST"]),
        Route("/stubs/{stub_id}/techniques", technique_endpoint(decide_technique), methods=["POST"]),
        Route("/stubs/{stub_id}/techniques/suggest", technique_endpoint(suggest_techniques), methods=["POST"]),
        Route("/captures/{capture_id}", capture_page),
        Route("/captures/{capture_id}/replay", capture_replay),
        Route("/captures/{capture_id}/wacz", capture_wacz),
        Route("/export/{name}", download),
        Route("/export", download),
        Route("/sources", sources),
        Route("/techniques/model", model_progress),
        Route(FEED_ROUTE, feed),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        technique_model.start(config)  # in the background: the first suggestion need not wait for it
        yield
        catalogue.dispose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.catalogue = catalogue

    async def who(given: str) -> str | None:
        return await run_in_threadpool(curators.who, catalogue, given)

    sign_in = needs_sign_in(settings, token)
    return DeskGuard(app, token, local_only=not sign_in, who=who, sign_in=sign_in)  # type: ignore[return-value]
