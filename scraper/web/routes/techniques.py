"""DISARM techniques on a stub: a curator's decision, a fresh suggestion run, and the model build's progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from scraper.techniques import ahead as technique_model
from scraper.techniques.decisions import decide_for_stub, suggest_for_stub
from scraper.techniques.settings import TechniqueSettings

from ..kit import Kit, kit_of, stub_post


def technique_endpoint(run: Callable[[Kit, str, FormData], str]) -> Callable[[Request], Awaitable[Response]]:
    """A technique decision or a fresh suggestion run, then back to the stub's technique section."""

    async def respond(_request: Request, stub_id: str, _form: FormData, done: str) -> Response:
        return RedirectResponse(f"/stubs/{quote(stub_id)}?{urlencode({'done': done})}#techniques", status_code=303)

    return stub_post(run, respond)


def _decide(kit: Kit, stub_id: str, form: FormData) -> str:
    decision = str(form.get("decision") or "")
    ids, _accepted = decide_for_stub(
        TechniqueSettings.from_config(kit.config),
        kit.catalogue,
        stub_id,
        decision,
        [str(form.get("technique_id") or "")],
    )
    return f"{stub_id} {decision}ed {', '.join(ids)}"


def _suggest(kit: Kit, stub_id: str, _form: FormData) -> str:
    found = suggest_for_stub(TechniqueSettings.from_config(kit.config), kit.catalogue, stub_id)
    return f"{stub_id}: {len(found)} technique suggestion(s)"


async def model_progress(request: Request) -> Response:
    return JSONResponse(
        technique_model.status(kit_of(request).config)
        or {"phase": "ready", "building": False, "seconds": None, "error": ""}
    )


ROUTES = [
    Route("/stubs/{stub_id}/techniques", technique_endpoint(_decide), methods=["POST"]),
    Route("/stubs/{stub_id}/techniques/suggest", technique_endpoint(_suggest), methods=["POST"]),
    Route("/techniques/model", model_progress),
]
