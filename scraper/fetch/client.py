"""The HTTP client every fetch goes through (one-off, polls, backfills).

Async httpx with: robots.txt per host, per-host pacing and concurrency caps,
retries with backoff (tenacity) honouring Retry-After, conditional GET,
redirects followed by hand so each hop is recorded and safety-checked, the
body streamed raw (as on the wire) under a size cap and decoded as it streams
under a decompression cap, connections pinned to the addresses the SSRF guard
checked, and one time budget (`total_timeout`) for all attempts of a URL.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
)

from archive.decode import ACCEPT_ENCODING, StreamDecoder
from archive.errors import DecodeError
from archive.records import FetchResult, Redirect
from scraper.config import HttpSettings
from scraper.errors import FetchError, UserError

from .pacing import Pacer
from .retry import (
    RETRY_STATUSES,
    BackoffWait,
    RetryableError,
    log_attempt,
    parse_retry_after,
)
from .robots import RobotsCache
from .safety import AddressGuard, PrivateAddressError, Resolver, pinned_transport
from .shared_pacing import SharedPacing

log = logging.getLogger("takedowns.fetch")

REDIRECT_CODES = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 512 * 1024


_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@")


def redact_url(url: str) -> str:
    """The URL with any `user:password@` replaced by `***@`, safe to print or log."""
    return _USERINFO.sub(r"\1***@", url)


def strip_credentials(url: str) -> str:
    """The URL without its `user:password@` part (nothing else changes)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(r"\1", url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_url(url: str) -> str:
    """Reject what is not an absolute http(s) URL without credentials, with a message saying why."""
    shown = redact_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError as exc:
        raise UserError(f"malformed URL {shown!r}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UserError(f"unsupported URL {shown!r}: only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise UserError(f"malformed URL {shown!r}: no host name")
    if "@" in parts.netloc:
        raise UserError(
            f"URL {shown!r} carries credentials (user:password@): remove them; credentials are never sent or stored"
        )
    return url


def redirect_target(current: str, status: int, location: str | None, *, asked: str) -> str | None:
    """Where a 3xx answer from `current` sends the client (its Location resolved against `current`), or None
    when the answer is no redirect; a target that cannot be fetched is a FetchError about `asked`."""
    if status not in REDIRECT_CODES or not location:
        return None
    target = urljoin(current, location)
    try:
        check_url(target)
    except UserError as exc:
        raise FetchError(
            f"{redact_url(current)} redirects to an unusable URL: {exc}", url=asked, reason="bad_redirect"
        ) from None
    return target


def host_key(url: str) -> str:
    p = urlsplit(url)
    return f"{p.hostname}:{p.port or (443 if p.scheme == 'https' else 80)}"


@dataclass
class _Answer:
    """One exchange as received: the response (headers, request sent) and its body, raw and decoded."""

    response: httpx.Response
    body: bytes  # as on the wire (content-encoded), de-chunked
    content: bytes  # decoded (or its first `keep` bytes), for 2xx answers; empty otherwise
    blank: bool  # the decoded body is nothing but whitespace (all of it, kept or not)


class HttpClient:
    def __init__(
        self,
        settings: HttpSettings,
        *,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        shared_pacing: SharedPacing | None = None,
    ):
        """`resolver` and `transport` are injected by tests (a scripted DNS, `httpx.MockTransport`);
        by default the system's resolver, and a transport pinned to the addresses the guard checked."""
        self.settings = settings
        self.guard = AddressGuard(resolver)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._stateless: httpx.AsyncClient | None = None
        self.pacer = Pacer(
            delay=settings.per_host_delay,
            per_host=settings.per_host_concurrency,
            global_limit=settings.global_concurrency,
            shared=shared_pacing,
        )
        self.robots = RobotsCache(settings.user_agent, settings.robots_ttl, self._fetch_robots)

    async def __aenter__(self) -> HttpClient:
        s = self.settings
        limits = httpx.Limits(max_connections=max(1, s.global_concurrency))
        transport = self._transport or (None if s.allow_private_networks else pinned_transport(self.guard, limits))

        def client(**kw: object) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
                follow_redirects=False,
                headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
                trust_env=False,
                limits=limits,
                transport=transport,
                **kw,  # type: ignore[arg-type]
            )

        self._client = client()
        # The browser's requests carry only its own context's cookies: a jar that keeps none, same connections.
        self._stateless = client(cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in (self._stateless, self._client):
            if client is not None:
                await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        keep: int | None = None,
    ) -> FetchResult:
        """GET `url` politely; raises FetchError (with `.attempts`) when it cannot.

        `keep`: how many bytes of the decoded body the result holds (None: all). The whole body is
        decoded and checked as it streams either way; a caller that reads it back from the WARC keeps
        only what it sniffs, so the decoded page is never held whole here."""
        assert self._client is not None, "use `async with HttpClient(...)`"
        check_url(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        s = self.settings
        attempts = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + s.total_timeout  # one budget for every attempt and wait of this URL
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(RetryableError),
            stop=stop_after_attempt(max(1, s.retry_attempts))
            | stop_before_delay(min(s.retry_max_seconds, s.total_timeout)),
            wait=BackoffWait(s.retry_initial_wait, s.retry_max_wait, s.retry_after_cap),
            before_sleep=log_attempt,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    return await self._attempt(url, headers, respect_robots, deadline - loop.time(), keep)
        except FetchError as exc:
            exc.attempts = attempts
            if attempts > 1:
                exc.args = (f"{exc.args[0]} (after {attempts} attempts)",)
            raise
        raise AssertionError("unreachable")

    async def _check_robots(self, url: str, respect_robots: bool) -> None:
        if not (respect_robots and self.settings.respect_robots):
            log.info("robots.txt not consulted (ignored by configuration)", extra={"url": url})
            return
        verdict = await self.robots.check(url)
        if not verdict.allowed:
            raise FetchError(
                f"{url} is {verdict.reason}; set respect_robots = false for its source to override",
                url=url,
                reason="robots",
            )
        if verdict.crawl_delay:
            self.pacer.set_host_delay(host_key(url), min(verdict.crawl_delay, self.settings.max_crawl_delay))

    async def _attempt(
        self, url: str, headers: dict[str, str], respect_robots: bool, budget: float, keep: int | None = None
    ) -> FetchResult:
        total = self.settings.total_timeout
        if budget <= 0:
            raise FetchError(
                f"timed out fetching {url}: no complete answer within total_timeout {total:g}s",
                url=url,
                reason="timeout",
            )
        try:
            async with asyncio.timeout(budget):
                await self._check_robots(url, respect_robots)
                return await self._follow(url, headers, keep)
        except TimeoutError:
            raise RetryableError(
                f"timed out fetching {url}: no complete answer within total_timeout {total:g}s",
                url=url,
                reason="timeout",
            ) from None

    async def _follow(self, url: str, headers: dict[str, str], keep: int | None = None) -> FetchResult:
        redirects: list[Redirect] = []
        current = url
        visited = {url}
        for _hop in range(self.settings.max_redirects + 1):
            fetched_at = datetime.now(timezone.utc)
            answer = await self.exchange("GET", current, headers if current == url else {}, keep=keep)
            response = answer.response
            target = redirect_target(current, response.status_code, response.headers.get("location"), asked=url)
            if target is not None:
                redirects.append(
                    Redirect(
                        current,
                        response.status_code,
                        target,
                        http_version=response.http_version,
                        request_headers=_raw_headers(response.request.headers),
                        response_headers=_raw_headers(response.headers),
                        body=answer.body,
                        fetched_at=fetched_at,
                    )
                )
                log.info("redirect %s -> %s", current, target, extra={"url": url})
                if target in visited:
                    raise FetchError(
                        f"redirect loop fetching {url} (back to {target})", url=url, reason="redirect_loop"
                    )
                visited.add(target)
                current = target
                continue
            if response.status_code in RETRY_STATUSES:
                raise RetryableError(
                    f"{current} answered HTTP {response.status_code}",
                    url=url,
                    reason=f"http_{response.status_code}",
                    status=response.status_code,
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                )
            return self._result(url, current, answer, fetched_at, redirects)
        raise FetchError(
            f"too many redirects (more than {self.settings.max_redirects}) fetching {url}",
            url=url,
            reason="redirect_loop",
        )

    async def _get(
        self, url: str, headers: dict[str, str], max_bytes: int | None = None, max_decoded: int | None = None
    ) -> _Answer:
        """One GET: the raw body (size-capped) and, for a 2xx answer, its decoded payload (capped as it streams)."""
        return await self.exchange("GET", url, headers, max_bytes=max_bytes, max_decoded=max_decoded)

    async def exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None = None,
        *,
        max_bytes: int | None = None,
        max_decoded: int | None = None,
        for_browser: bool = False,
        keep: int | None = None,
    ) -> _Answer:
        """One request, no redirect followed, no retry: the SSRF check, pacing, the pinned connection and the caps.

        Every fetch goes through here, the browser's intercepted requests too (`for_browser`:
        no cookie jar but the page's own headers, and error pages decoded as well, since the page is given them).
        The raw body is collected in one growing buffer, handed over without a copy; `keep`: see `fetch`."""
        assert self._client is not None and self._stateless is not None
        http = self._stateless if for_browser else self._client
        if not self.settings.allow_private_networks:
            await self.guard.check(url)
        limit = max_bytes or self.settings.max_body_bytes
        try:
            async with self.pacer.slot(host_key(url)):
                async with http.stream(method, url, headers=headers, content=body) as response:
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise FetchError(
                            f"{url}: body of {declared} bytes is larger than the {limit}-byte cap",
                            url=url,
                            reason="too_large",
                        )
                    decoder = None
                    if for_browser or 200 <= response.status_code < 300:
                        decoder = StreamDecoder(
                            response.headers.get("content-encoding"),
                            max_decoded or self.settings.max_decompressed_bytes,
                            keep,
                        )
                    raw = io.BytesIO()
                    async for chunk in response.aiter_raw():
                        if raw.tell() + len(chunk) > limit:
                            raise FetchError(
                                f"{url}: body larger than the {limit}-byte cap, aborted", url=url, reason="too_large"
                            )
                        raw.write(chunk)
                        if decoder is not None:
                            decoder.feed(chunk)  # a bomb is stopped here, mid-stream, at the cap
                    if decoder is None:
                        return _Answer(response, raw.getvalue(), b"", True)
                    return _Answer(response, raw.getvalue(), decoder.finish(), decoder.blank)
        except DecodeError as exc:
            raise FetchError(f"{url}: {exc}", url=url, reason="bad_encoding") from None
        except PrivateAddressError as exc:
            raise FetchError(f"refusing {url}: {exc}", url=url, reason="private_address") from None
        except httpx.ConnectError as exc:
            text = str(exc).lower()
            if "name" in text or "resolution" in text or "nodename" in text:
                raise FetchError(f"cannot resolve host for {url}: {exc}", url=url, reason="dns") from None
            raise RetryableError(f"cannot connect for {url}: {exc}", url=url, reason="connect") from None
        except httpx.TimeoutException as exc:
            raise RetryableError(
                f"timed out fetching {url} ({exc.__class__.__name__})", url=url, reason="timeout"
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise RetryableError(
                f"connection broken fetching {url}: {exc}", url=url, reason="broken_connection"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(
                f"HTTP error fetching {url}: {exc.__class__.__name__}: {exc}", url=url, reason="protocol"
            ) from None

    async def _fetch_robots(self, robots_url: str) -> tuple[int, str]:
        try:
            answer = await self._get(robots_url, {}, max_bytes=ROBOTS_MAX_BYTES, max_decoded=ROBOTS_MAX_BYTES * 4)
        except FetchError as exc:
            if exc.reason == "bad_encoding":
                return 500, ""  # unreadable robots.txt: disallow for now
            raise
        if answer.response.status_code in REDIRECT_CODES:
            return 404, ""  # a redirected robots.txt is treated as absent
        return answer.response.status_code, answer.content.decode("utf-8", "replace")

    def _result(
        self,
        requested: str,
        final: str,
        answer: _Answer,
        fetched_at: datetime,
        redirects: list[Redirect],
    ) -> FetchResult:
        response = answer.response
        raw_headers = _raw_headers(response.headers)
        request_headers = _raw_headers(response.request.headers)
        not_modified = response.status_code == 304
        return FetchResult(
            requested_url=requested,
            final_url=final,
            status=response.status_code,
            http_version=response.http_version,
            request_method="GET",
            request_headers=request_headers,
            response_headers=raw_headers,
            body=answer.body,
            content=answer.content,
            fetched_at=fetched_at,
            redirects=redirects,
            not_modified=not_modified,
            blank=answer.blank,
        )


def _raw_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Header lines as sent or received, in order and case, for the WARC."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]
