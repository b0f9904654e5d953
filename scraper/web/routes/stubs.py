"""One stub: its page, and the review decisions on it (accept, reject, merge, split, reopen, edit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scraper.errors import UserError
from scraper.stubs import review
from scraper.techniques import ahead as technique_model

from .. import actions, bulk
from ..edits import parse_countries, parse_counts
from ..kit import Kit, curator, kit_of, stub_post
from ..queue import next_after
from ..stubview import load_stub
from ..team import team_view

UNDOABLE = {"accepted": "accept", "rejected": "reject", "merged": "merge"}  # desk action -> undoable batch


async def stub(request: Request) -> Response:
    kit = kit_of(request)
    stub_id = request.path_params["stub_id"]
    try:
        v, crew = await kit.db(lambda s: (lambda v: (v, team_view(s, v.stub.id)))(load_stub(s, stub_id)))
    except UserError as exc:
        return kit.fail(request, exc)
    return kit.render(request, "stub.html", v=v, team=crew, model=technique_model.status(kit.config))


def action(name: str, run: Callable[[Kit, str, FormData], Any]) -> Callable[[Request], Awaitable[Response]]:
    """A decision on a stub, then back to it (or, with `next=1`, on to the next stub in the queue);
    an accept, reject or merge is recorded as a batch the flash offers to undo."""

    async def respond(request: Request, _stub_id: str, form: FormData, result: Any) -> Response:
        kit = kit_of(request)
        target = result.stub_id
        if form.get("next") == "1" and result.status != "new":
            target = await kit.db(lambda s: next_after(s, result.stub_id)) or target
        params: dict[str, Any] = {"done": f"{result.stub_id} {name}"}
        if name in UNDOABLE:  # the flash offers an undo (the `a` key's accept included)
            changed = result.also if name == "merged" else [result.stub_id]
            params["undo"] = await run_in_threadpool(
                bulk.record, kit.catalogue, UNDOABLE[name], changed, curator(request)
            )
        return RedirectResponse(
            f"/stubs/{quote(target)}?{urlencode({k: v for k, v in params.items() if v})}", status_code=303
        )

    return stub_post(run, respond)


def _accept(kit: Kit, stub_id: str, form: FormData) -> Any:
    return actions.accept(kit.config, kit.catalogue, stub_id, str(form.get("disarm_id") or "").strip() or None)


def _reject(kit: Kit, stub_id: str, form: FormData) -> Any:
    return actions.reject(kit.config, kit.catalogue, stub_id, str(form.get("reason") or ""))


def _merge(kit: Kit, stub_id: str, form: FormData) -> Any:
    return actions.merge(kit.config, kit.catalogue, stub_id, str(form.get("other") or "").strip())


def _split(kit: Kit, stub_id: str, _form: FormData) -> Any:
    return actions.split(kit.config, kit.catalogue, stub_id)


def _reopen(kit: Kit, stub_id: str, _form: FormData) -> Any:
    return actions.reopen(kit.config, kit.catalogue, stub_id)


def _edit(kit: Kit, stub_id: str, form: FormData) -> Any:
    values: dict[str, Any] = {}
    for key in ("name", "summary"):
        if key in form:
            values[key] = str(form[key]).strip()
    for key in ("origin", "targets"):
        if key in form:
            values[key] = parse_countries(str(form[key]))
    if "counts" in form:
        values["counts"] = parse_counts(str(form["counts"]))
    with kit.catalogue.session() as s:  # only what the curator changed becomes an edit
        current = review.get_stub(s, stub_id)
        values = {k: v for k, v in values.items() if getattr(current, k) != v}
    if not values:
        raise UserError("nothing changed: change a field before saving the edit")
    return actions.edit(kit.config, kit.catalogue, stub_id, values)


ROUTES = [
    Route("/stubs/{stub_id}", stub),
    Route("/stubs/{stub_id}/accept", action("accepted", _accept), methods=["POST"]),
    Route("/stubs/{stub_id}/reject", action("rejected", _reject), methods=["POST"]),
    Route("/stubs/{stub_id}/merge", action("merged", _merge), methods=["POST"]),
    Route("/stubs/{stub_id}/split", action("split", _split), methods=["POST"]),
    Route("/stubs/{stub_id}/reopen", action("reopened", _reopen), methods=["POST"]),
    Route("/stubs/{stub_id}/edit", action("edited", _edit), methods=["POST"]),
]
