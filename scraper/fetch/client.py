"""The HTTP client every fetch goes through (one-off, polls, backfills).

httpx (async) with redirects followed by hand so each hop is recorded, the
body streamed raw (as on the wire) with a size cap, and decoded separately
with a decompression cap.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from scraper.config import HttpSettings
from scraper.errors import FetchError, UserError

from .decode import DecodeError, decode_body
from .result import FetchResult, Redirect

log = logging.getLogger("takedowns.fetch")

REDIRECT_CODES = {301, 302, 303, 307, 308}


def check_url(url: str) -> str:
    """Reject what is not an absolute http(s) URL, with a message saying why."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UserError(f"malformed URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UserError(f"unsupported URL {url!r}: only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise UserError(f"malformed URL {url!r}: no host name")
    return url


class HttpClient:
    def __init__(self, settings: HttpSettings):
        self.settings = settings
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> HttpClient:
        s = self.settings
        timeout = httpx.Timeout(s.read_timeout, connect=s.connect_timeout)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate, br"},
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
    ) -> FetchResult:
        assert self._client is not None, "use `async with HttpClient(...)`"
        check_url(url)
        started = time.monotonic()
        redirects: list[Redirect] = []
        current = url
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.settings.max_redirects + 1):
            fetched_at = datetime.now(timezone.utc)
            response, body = await self._get(current, headers, started)
            if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                target = urljoin(current, response.headers["location"])
                check_url(target)
                redirects.append(Redirect(current, response.status_code, target))
                log.info("redirect %s -> %s", current, target, extra={"url": url})
                current = target
                continue
            return self._result(url, current, response, body, fetched_at, redirects)
        raise FetchError(
            f"too many redirects (more than {self.settings.max_redirects}) fetching {url}",
            url=url,
            reason="redirect_loop",
        )

    async def _get(self, url: str, headers: dict[str, str], started: float) -> tuple[httpx.Response, bytes]:
        assert self._client is not None
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_raw():
                    size += len(chunk)
                    if size > self.settings.max_body_bytes:
                        raise FetchError(
                            f"{url}: body larger than {self.settings.max_body_bytes} bytes, aborted",
                            url=url,
                            reason="too_large",
                        )
                    if time.monotonic() - started > self.settings.total_timeout:
                        raise FetchError(f"{url}: took longer than {self.settings.total_timeout}s", url=url, reason="timeout")
                    chunks.append(chunk)
                return response, b"".join(chunks)
        except httpx.ConnectError as exc:
            reason = "dns" if "name" in str(exc).lower() or "resolution" in str(exc).lower() else "connect"
            what = "cannot resolve host" if reason == "dns" else "cannot connect"
            raise FetchError(f"{what} for {url}: {exc}", url=url, reason=reason) from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {url} ({exc.__class__.__name__})", url=url, reason="timeout") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP error fetching {url}: {exc.__class__.__name__}: {exc}", url=url, reason="protocol") from None

    def _result(
        self,
        requested: str,
        final: str,
        response: httpx.Response,
        body: bytes,
        fetched_at: datetime,
        redirects: list[Redirect],
    ) -> FetchResult:
        raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        request_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw]
        not_modified = response.status_code == 304
        content = b""
        if not not_modified:
            try:
                content = decode_body(body, response.headers.get("content-encoding"), self.settings.max_decompressed_bytes)
            except DecodeError as exc:
                raise FetchError(f"{final}: {exc}", url=requested, reason="bad_encoding") from None
        return FetchResult(
            requested_url=requested,
            final_url=final,
            status=response.status_code,
            http_version=response.http_version,
            request_method="GET",
            request_headers=request_headers,
            response_headers=raw_headers,
            body=body,
            content=content,
            fetched_at=fetched_at,
            redirects=redirects,
            not_modified=not_modified,
        )
