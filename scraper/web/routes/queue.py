"""The review queue: the desk's home page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scraper.errors import UserError

from ..kit import kit_of
from ..queue import QueueFilter, load_queue


async def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


async def queue(request: Request) -> Response:
    kit = kit_of(request)
    try:
        f = QueueFilter.from_params(dict(request.query_params))
    except UserError as exc:
        return kit.fail(request, exc)
    page = await kit.db(lambda s: load_queue(s, f, kit.settings.page_size))
    return kit.render(request, "queue.html", page=page, export_query=f.export_string())


ROUTES = [
    Route("/", home),
    Route("/queue", queue),
]
