"""A stored capture: its page, its replay (the bytes as fetched, under a CSP that runs nothing), its WACZ."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from scraper.errors import UserError

from ..kit import kit_of
from ..replay import load_capture, replay_body, wacz_bytes
from ..security import REPLAY_CSP


async def capture_page(request: Request) -> Response:
    capture_id = request.path_params["capture_id"]
    return await kit_of(request).shown(request, lambda s: load_capture(s, capture_id), "capture.html", "info")


async def capture_replay(request: Request) -> Response:
    kit = kit_of(request)
    capture_id = request.path_params["capture_id"]
    try:
        info = await kit.db(lambda s: load_capture(s, capture_id))
        body, media = await run_in_threadpool(replay_body, kit.config, info.capture)
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
    kit = kit_of(request)
    capture_id = request.path_params["capture_id"]
    try:
        info = await kit.db(lambda s: load_capture(s, capture_id))
        package = await run_in_threadpool(wacz_bytes, kit.config, kit.catalogue, info.capture)
    except UserError as exc:
        return kit.fail(request, exc)
    return Response(
        package,
        media_type="application/wacz",
        headers={"content-disposition": f'attachment; filename="capture-{info.capture.id}.wacz"'},
    )


ROUTES = [
    Route("/captures/{capture_id}", capture_page),
    Route("/captures/{capture_id}/replay", capture_replay),
    Route("/captures/{capture_id}/wacz", capture_wacz),
]
