"""The Atom feed of new stubs."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scraper.stubs import StubSettings, rewrite_feed
from scraper.stubs.settings import FEED_ROUTE

from ..kit import kit_of


async def feed(request: Request) -> Response:
    """The Atom feed of new stubs, as the stub stage last wrote it (written now if it never was)."""
    kit = kit_of(request)

    def read() -> bytes:
        path = StubSettings.from_config(kit.config).feed_path
        if not path.is_file():
            rewrite_feed(kit.config, kit.catalogue)
        return path.read_bytes()

    return Response(await run_in_threadpool(read), media_type="application/atom+xml")


ROUTES = [Route(FEED_ROUTE, feed)]
