"""Downloads: one export of the stubs the queue's filters list, changed since a time if given."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scraper.errors import UserError

from ..exports import DOWNLOADS, export_download, parse_since
from ..kit import kit_of
from ..queue import QueueFilter

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


async def download(request: Request) -> Response:
    """One export, of the stubs the queue's filters (in the query) list, changed `since` a time if given."""
    kit = kit_of(request)
    name = request.path_params.get("name") or request.query_params.get("name", "")
    if name not in DOWNLOADS:
        raise HTTPException(404, f"error: no export {name!r}: choose one of {', '.join(DOWNLOADS)}")
    params = dict(request.query_params)
    filtered = QueueFilter.from_params({"status": "", **params}) if set(params) & FILTER_PARAMS else None
    try:
        since = parse_since(params.get("since", ""))
        body, media = await run_in_threadpool(export_download, kit.config, kit.catalogue, name, filtered, since)
    except UserError as exc:
        return kit.fail(request, exc)
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


ROUTES = [
    Route("/export/{name}", download),
    Route("/export", download),
]
