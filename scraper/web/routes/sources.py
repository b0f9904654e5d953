"""The sources page: each source's status, recent runs, decisions and failures, and a chart."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..kit import kit_of
from ..sources import load_sources


async def sources(request: Request) -> Response:
    kit = kit_of(request)
    view = await run_in_threadpool(load_sources, kit.config, kit.catalogue)
    return kit.render(request, "sources.html", v=view)


ROUTES = [Route("/sources", sources)]
