"""Routes for a team of curators: claim, assign and release a stub, comment on it, decide
many stubs at once, and undo a decision. Every change is a CSRF-checked POST made as the
signed-in curator."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scraper.errors import UserError

from .. import bulk, team
from ..kit import as_curator, curator, kit_of, local_path


def _to_stub(stub_id: str, done: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/stubs/{quote(stub_id)}?{urlencode({'done': done})}{anchor}", status_code=303)


def _with(path: str, **params: object) -> str:
    return path + ("&" if "?" in path else "?") + urlencode({k: v for k, v in params.items() if v not in (None, "")})


async def claim(request: Request) -> Response:
    kit = kit_of(request)
    form = await kit.checked_form(request)
    stub_id, me = request.path_params["stub_id"], curator(request)
    who = str(form.get("curator") or "").strip() or me or ""
    try:
        got = await run_in_threadpool(
            as_curator(me, team.claim), kit.catalogue, stub_id, who, me, kit.settings.claim_minutes
        )
    except UserError as exc:
        return kit.fail(request, exc)
    done = f"{stub_id} assigned to {got.curator}" if got.assigned_by else f"{stub_id} claimed by {got.curator}"
    return _to_stub(stub_id, f"{done} until {got.expires_at:%H:%M} UTC")


async def release(request: Request) -> Response:
    kit = kit_of(request)
    await kit.checked_form(request)
    stub_id = request.path_params["stub_id"]
    try:
        await run_in_threadpool(as_curator(curator(request), team.release), kit.catalogue, stub_id, curator(request))
    except UserError as exc:
        return kit.fail(request, exc)
    return _to_stub(stub_id, f"{stub_id} released")


async def comment(request: Request) -> Response:
    kit = kit_of(request)
    form = await kit.checked_form(request)
    stub_id = request.path_params["stub_id"]
    try:
        await run_in_threadpool(
            as_curator(curator(request), team.add_comment),
            kit.catalogue,
            stub_id,
            curator(request),
            str(form.get("body") or ""),
        )
    except UserError as exc:
        return kit.fail(request, exc)
    return _to_stub(stub_id, f"{stub_id}: comment added", "#comments")


async def decide_many(request: Request) -> Response:
    kit = kit_of(request)
    form = await kit.checked_form(request)
    try:
        ids = bulk.parse_ids([str(v) for v in form.getlist("stub")])
        out = await run_in_threadpool(
            lambda: bulk.decide(
                kit.config,
                kit.catalogue,
                str(form.get("action") or ""),
                ids,
                curator(request),
                reason=str(form.get("reason") or ""),
                into=str(form.get("into") or ""),
            )
        )
    except UserError as exc:
        return kit.fail(request, exc)
    return RedirectResponse(
        _with(local_path(str(form.get("back") or "")), done=out.summary(), undo=out.batch), status_code=303
    )


async def undo(request: Request) -> Response:
    kit = kit_of(request)
    form = await kit.checked_form(request)
    try:
        out = await run_in_threadpool(
            bulk.undo, kit.config, kit.catalogue, request.path_params["batch"], curator(request)
        )
    except UserError as exc:
        return kit.fail(request, exc)
    back = local_path(str(form.get("back") or ""))
    if len(out.done) == 1 and not back.startswith("/queue"):  # one stub (the `a` key's accept): back to it
        back = f"/stubs/{quote(out.done[0])}"
    path, _, query = back.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query) if k not in ("done", "undo")]
    return RedirectResponse(_with(path + ("?" + urlencode(kept) if kept else ""), done=out.summary()), status_code=303)


ROUTES = [
    Route("/stubs/{stub_id}/claim", claim, methods=["POST"]),
    Route("/stubs/{stub_id}/release", release, methods=["POST"]),
    Route("/stubs/{stub_id}/comments", comment, methods=["POST"]),
    Route("/bulk", decide_many, methods=["POST"]),
    Route("/undo/{batch:int}", undo, methods=["POST"]),
]
