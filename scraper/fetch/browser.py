"""Browser capture: a page rendered by headless Debian Chromium (Playwright), recorded as the browser saw it.

Every request the page makes is intercepted (`page.route`) and performed by the
project's HTTP client (`HttpClient.exchange`): the same SSRF guard, with the
connection pinned to the address it checked (no second DNS lookup, so no
rebinding), robots.txt and per-host pacing, under the page's caps (requests,
bytes, one time budget), each redirect hop checked again and recorded (see
`_PageCapture`). The page is fulfilled with the decoded bytes; the WARC holds
them as on the wire, like a plain capture. Chromium itself never connects
anywhere. Then a full-page PNG screenshot, the rendered DOM and page info are taken.

One browser process is shared; each page gets a fresh context (no downloads,
no service workers) from a bounded pool; the process is restarted after
`restart_after_pages` pages, or when it has died.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from archive.records import FetchResult, Redirect
from scraper.errors import FetchError, UserError
from scraper.settings import RenderSettings  # `[render]` in config.toml

from .client import HttpClient, check_url, redirect_target

log = logging.getLogger("takedowns.render")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # Chromium resolves no name and reaches no address itself: what the route does not perform
    # (preconnects, WebSockets) fails instead of bypassing the guard and the WARC.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
INSTALL_HINT = "install it with `apt-get install chromium` and `pip install 'takedown-archiver[render]'`"
SCREENSHOT_GRACE = 5.0  # seconds the screenshot may take past a spent budget
# Framing that does not describe the decoded body the browser is given.
_REFRAMED = {"content-encoding", "transfer-encoding", "content-length"}
# Browser request headers the client sets itself (framing, connection, the encodings it can decode).
_NOT_FORWARDED = {
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "accept-encoding",
    "keep-alive",
    "te",
    "upgrade",
    "proxy-connection",
    "proxy-authorization",
}


@dataclass
class Rendered:
    """One rendered page: its document exchange, every subresource exchange, and what the browser showed."""

    document: FetchResult
    subresources: list[FetchResult]
    screenshot: bytes  # PNG, full page
    dom: str  # the serialised DOM after scripts ran
    title: str
    load_seconds: float
    load_complete: bool  # False: the budget ran out before the load event
    refused: list[str] = field(default_factory=list)  # "url: reason" for every request not let through

    def page_info(self) -> dict[str, Any]:
        return {
            "url": self.document.requested_url,
            "final_url": self.document.final_url,
            "status": self.document.status,
            "title": self.title,
            "load_seconds": round(self.load_seconds, 3),
            "load_complete": self.load_complete,
            "requests": 1 + len(self.subresources),
            "refused": self.refused,
        }


def render_unavailable(settings: RenderSettings) -> str | None:
    """Why browser capture cannot run here (a one-line message), or None."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return f"browser capture needs the playwright package: {INSTALL_HINT}"
    if not (os.path.isfile(settings.chromium) and os.access(settings.chromium, os.X_OK)):
        return f"browser capture needs Chromium at {settings.chromium} ([render] chromium): {INSTALL_HINT}"
    return None


class BrowserPool:
    """One shared Chromium process and at most `contexts` pages at a time."""

    def __init__(self, settings: RenderSettings, client: HttpClient):
        self.settings = settings
        self.client = client
        self._slots = asyncio.Semaphore(max(1, settings.contexts))
        self._lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._pages = 0
        self._active = 0
        self._pid: int | None = None
        self._gone: Any = None  # a browser found dead (its process killed) before Playwright noticed
        self.launches = 0

    async def __aenter__(self) -> BrowserPool:
        problem = render_unavailable(self.settings)
        if problem:
            raise UserError(problem)
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close_browser()
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    @property
    def browser_pid(self) -> int | None:
        """The browser's main process (Linux /proc; None elsewhere): for tests and the bench."""
        return self._pid if self._browser is not None else None

    async def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            try:
                await browser.close()
            except Exception as exc:  # already dead: nothing to close
                log.info("browser close: %s", exc)

    async def _ready_browser(self) -> Any:
        """The live browser, launched or relaunched (after N pages, or a crash) when no page is using it."""
        async with self._lock:
            dead = self._browser is not None and (not self._browser.is_connected() or self._browser is self._gone)
            worn = self._browser is not None and self._pages >= self.settings.restart_after_pages and self._active == 0
            if dead or worn:
                log.info("restarting the browser after %d page(s)", self._pages)
                await self._close_browser()
            if self._browser is None or not self._browser.is_connected():
                try:
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=self.settings.chromium, args=CHROMIUM_ARGS, headless=True
                    )
                except Exception as exc:
                    raise FetchError(
                        f"cannot start Chromium ({self.settings.chromium}): {str(exc).splitlines()[0]}",
                        url=self.settings.chromium,
                        reason="browser",
                    ) from None
                self.launches += 1
                self._pages = 0
                self._pid = _browser_process(self.settings.chromium, exclude=self._pid)
            self._active += 1
            self._pages += 1
            return self._browser

    async def render(self, url: str, *, respect_robots: bool = True) -> Rendered:
        """Render `url` in a fresh context; raises FetchError when the page cannot be had."""
        check_url(url)
        async with self._slots:
            await self.client._check_robots(url, respect_robots)
            for attempt in (1, 2):  # a browser that died between pages is replaced once
                browser = await self._ready_browser()
                try:
                    page = _PageCapture(self.settings, self.client, url, respect_robots)
                    return await page.run(browser)
                except (_BrowserGone, FetchError) as exc:
                    if isinstance(exc, FetchError) and browser.is_connected() and browser is not self._gone:
                        raise  # the page failed, not the browser
                    self._gone = browser  # it died before or during this page: the page is tried again on a new one
                    log.warning("render: the browser has gone (%s); starting a new one", exc, extra={"url": url})
                    if attempt == 2:
                        raise FetchError(
                            f"browser capture of {url} failed: the browser died twice", url=url, reason="render"
                        ) from None
                finally:
                    self._active -= 1
            raise AssertionError("unreachable")


class SharedBrowser:
    """One BrowserPool for a whole run (daemon, `poll`), started when the first render item needs it.

    Most runs render nothing, so neither Playwright nor Chromium is started until then; a
    browser that dies is replaced by the pool, and a run without Chromium fails only the
    render items (with the install hint), never the other sources.
    """

    def __init__(self, settings: RenderSettings, client: HttpClient):
        self.settings = settings
        self.client = client
        self._pool: BrowserPool | None = None
        self._lock = asyncio.Lock()

    async def pool(self) -> BrowserPool:
        async with self._lock:
            if self._pool is None:
                pool = BrowserPool(self.settings, self.client)
                await pool.__aenter__()  # raises UserError when Chromium or Playwright is missing
                self._pool = pool
            return self._pool

    async def __aenter__(self) -> SharedBrowser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.__aexit__(None, None, None)


class _BrowserGone(Exception):
    """The browser could not open a context: its process has died."""


class _Refused(Exception):
    """A request of the page not let through: which URL, why, and the network error Chromium is given.

    `error`: the FetchError behind it, which ends the capture when the request was the page itself."""

    def __init__(self, url: str, reason: str, code: str, error: FetchError | None = None):
        super().__init__(reason)
        self.url, self.reason, self.code = url, reason, code
        self.error = error or FetchError(f"browser could not load {url}: {reason}", url=url, reason="render")


class _PageCapture:
    """The state of one page: its caps, the exchanges recorded, the refusals.

    Redirects: Playwright calls the route handler only for the first URL of a redirect
    chain and lets Chromium fetch the others itself, which it cannot (it resolves no
    name). So a 3xx answer to the page itself is kept as a hop and the browser is sent
    to its target by a new navigation (the page's URL, and what its relative links
    resolve against, is the final one), and a subresource's hops are followed here; each
    hop goes through the same checks as any request, as in a plain fetch.
    """

    def __init__(self, settings: RenderSettings, client: HttpClient, url: str, respect_robots: bool = True):
        self.settings = settings
        self.client = client
        self.url = url
        self.respect_robots = respect_robots and client.settings.respect_robots
        self.exchanges: list[FetchResult] = []
        self.refused: list[str] = []
        self.requests = 0
        self.bytes = 0
        self.deadline = 0.0
        self.document: FetchResult | None = None
        self.hops: list[Redirect] = []  # the page's own redirects, in order
        self.next_hop: str | None = None  # the target of the latest hop, not yet navigated to
        self.failure: FetchError | None = None  # why the page itself could not be had

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _refuse(self, url: str, reason: str) -> None:
        self.refused.append(f"{url}: {reason}")
        log.warning("render: refused %s: %s", url, reason, extra={"url": self.url})

    async def run(self, browser: Any) -> Rendered:
        s = self.settings
        start = time.monotonic()
        self.deadline = start + s.budget_seconds
        load_deadline = start + max(
            1.0, s.budget_seconds * 0.6
        )  # most of the budget for loading; the rest to settle, shoot and serialise
        try:
            context = await browser.new_context(
                accept_downloads=False,
                service_workers="block",
                viewport={"width": s.viewport_width, "height": s.viewport_height},
                user_agent=self.client.settings.user_agent,
                java_script_enabled=True,
            )
        except Exception as exc:  # the browser process is gone
            raise _BrowserGone(_first_line(exc)) from None
        try:
            page = await context.new_page()
            await page.route("**/*", self._handle)
            load_complete = await self._navigate(page, load_deadline)
            load_seconds = time.monotonic() - start
            if load_complete and s.settle_seconds > 0:
                try:
                    await page.wait_for_load_state(
                        "networkidle", timeout=max(0.1, min(s.settle_seconds, self._remaining() - 1)) * 1000
                    )
                except Exception:
                    pass  # a page that keeps polling still gets captured as it is now
            # The page as it is now, even when the budget is spent: a few seconds' grace for the screenshot.
            shot_timeout = max(SCREENSHOT_GRACE, self._remaining()) * 1000
            screenshot = await page.screenshot(full_page=True, type="png", timeout=shot_timeout, animations="disabled")
            dom = await page.content()
            title = await page.title()
            await page.unroute_all(behavior="ignoreErrors")
        except FetchError:
            raise
        except Exception as exc:
            raise FetchError(
                f"browser capture of {self.url} failed: {_first_line(exc)}", url=self.url, reason="render"
            ) from None
        finally:
            try:
                await context.close()
            except Exception as exc:
                log.info("render: context close: %s", _first_line(exc))
        document = self.document
        if document is None:
            raise FetchError(f"browser capture of {self.url} recorded no document", url=self.url, reason="render")
        subresources = [e for e in self.exchanges if e is not document]
        return Rendered(document, subresources, screenshot, dom, title, load_seconds, load_complete, self.refused)

    async def _navigate(self, page: Any, load_deadline: float) -> bool:
        """Load the page, navigating to each of its redirects' targets in turn; False when it did not finish loading in
        time."""
        url = self.url
        while True:
            self.next_hop = None
            try:
                await page.goto(url, wait_until="load", timeout=max(1.0, load_deadline - time.monotonic()) * 1000)
                return True
            except Exception as exc:
                if self.failure is not None:
                    raise self.failure from None
                if self.document is None and self.next_hop is not None:
                    url = self.next_hop  # the handler stopped the browser at a hop of the page's own
                    continue
                if self.document is None:
                    raise FetchError(
                        f"browser could not load {self.url}: {_first_line(exc)}", url=self.url, reason="render"
                    ) from None
                log.warning(
                    "render: %s did not finish loading within the budget (%s)",
                    self.url,
                    _first_line(exc),
                    extra={"url": self.url},
                )
                return False

    async def _handle(self, route: Any, request: Any) -> None:
        """Check, pace, perform, record and fulfil one request of the page (following a subresource's redirects)."""
        url = request.url
        try:
            if not url.startswith(("http://", "https://")):
                await _abort(route, "blockedbyclient")
                return
            headers = {
                k: v
                for k, v in (await request.all_headers()).items()
                if not k.startswith(":") and k.lower() not in _NOT_FORWARDED
            }
            is_page = self.document is None and request.is_navigation_request() and request.frame.parent_frame is None
            try:
                if is_page:
                    exchange, content = await self._perform(request.method, url, headers, request.post_data_buffer)
                    if self._page_redirected(exchange):
                        await _abort(route, "aborted")  # run() navigates to the hop's target
                        return
                    exchange.requested_url, exchange.redirects = self.url, list(self.hops)
                    self.document = exchange
                    self.exchanges.append(exchange)
                else:
                    exchange, content = await self._follow(request.method, url, headers, request.post_data_buffer)
            except _Refused as refused:
                self._refuse(refused.url, refused.reason)
                if is_page:
                    self.failure = refused.error
                await _abort(route, refused.code)
                return
            fulfil = [
                (k, v) for k, v in exchange.response_headers if k.lower() not in _REFRAMED
            ]  # the browser is given the decoded body
            await route.fulfill(status=exchange.status, headers=dict(_merge(fulfil)), body=content)
        except Exception as exc:  # the page or context went away mid-request
            self._refuse(url, _first_line(exc))
            await _abort(route, "failed")

    def _page_redirected(self, exchange: FetchResult) -> bool:
        """Keep a 3xx answer to the page itself as a hop and name its target (`next_hop`); False when it is no redirect.

        Refused like a plain fetch's hops: an unusable target, a loop, more than max_redirects."""
        try:
            target = redirect_target(exchange.final_url, exchange.status, exchange.header("location"), asked=self.url)
        except FetchError as exc:
            raise _Refused(exchange.final_url, str(exc), "failed", exc) from None
        if target is None:
            return False  # a 3xx without a Location is the page (storing refuses it)
        self.hops.append(
            Redirect(
                exchange.final_url,
                exchange.status,
                target,
                http_version=exchange.http_version,
                request_headers=exchange.request_headers,
                response_headers=exchange.response_headers,
                body=exchange.body,
                fetched_at=exchange.fetched_at,
            )
        )
        log.info("redirect %s -> %s", exchange.final_url, target, extra={"url": self.url})
        limit = self.client.settings.max_redirects
        if len(self.hops) > limit:
            error = FetchError(
                f"too many redirects (more than {limit}) fetching {self.url}", url=self.url, reason="redirect_loop"
            )
            raise _Refused(target, str(error), "failed", error)
        if target == self.url or any(hop.url == target for hop in self.hops):
            error = FetchError(
                f"redirect loop fetching {self.url} (back to {target})", url=self.url, reason="redirect_loop"
            )
            raise _Refused(target, str(error), "failed", error)
        self.next_hop = target
        return True

    async def _follow(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[FetchResult, bytes]:
        """A subresource's request and its redirects, each hop recorded; the last answer is what the browser is
        given."""
        visited = {url}
        current = url
        limit = self.client.settings.max_redirects
        for _hop in range(limit + 1):
            exchange, content = await self._perform(method, current, headers, body)
            self.exchanges.append(exchange)
            try:
                target = redirect_target(current, exchange.status, exchange.header("location"), asked=url)
            except FetchError as exc:
                raise _Refused(current, str(exc), "failed") from None
            if target is None:
                return exchange, content
            if target in visited:
                raise _Refused(url, f"redirect loop (back to {target})", "failed")
            visited.add(target)
            if exchange.status == 303 or (exchange.status in (301, 302) and method == "POST"):  # as browsers do
                method, body = "GET", None
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            if _origin(target) != _origin(current):  # the browser would not send these to another origin
                headers = {k: v for k, v in headers.items() if k.lower() not in ("cookie", "authorization")}
            current = target
        raise _Refused(url, f"more than max_redirects = {limit}", "failed")

    async def _perform(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[FetchResult, bytes]:
        """One exchange under the page's caps, by the project's client: the exchange as received and its decoded
        body."""
        if self._remaining() <= 0:
            raise _Refused(url, "page budget spent", "timedout")
        if self.requests >= self.settings.max_requests:
            raise _Refused(url, f"more than max_requests = {self.settings.max_requests}", "blockedbyclient")
        if self.bytes >= self.settings.max_bytes:
            raise _Refused(url, f"more than max_bytes = {self.settings.max_bytes}", "blockedbyclient")
        self.requests += 1
        if self.respect_robots:  # every host's robots.txt, as for a plain fetch
            try:
                await self.client._check_robots(url, True)
            except FetchError as exc:
                raise _Refused(url, str(exc), "blockedbyclient", exc) from None
        fetched_at = datetime.now(UTC)
        try:
            # The project's client: SSRF check, pacing, and a connection pinned to the checked address.
            async with asyncio.timeout(max(0.1, self._remaining())):
                answer = await self.client.exchange(
                    method,
                    url,
                    headers,
                    body,
                    max_bytes=min(self.client.settings.max_body_bytes, self.settings.max_bytes - self.bytes),
                    for_browser=True,
                )
        except TimeoutError:
            raise _Refused(url, "page budget spent", "timedout") from None
        except FetchError as exc:
            reason = f"more than max_bytes = {self.settings.max_bytes}" if exc.reason == "too_large" else str(exc)
            raise _Refused(
                url, reason, "addressunreachable" if exc.reason == "private_address" else "failed", exc
            ) from None
        if (
            self.bytes + len(answer.body) > self.settings.max_bytes
        ):  # requests run in parallel: the cap holds on what is kept
            raise _Refused(url, f"more than max_bytes = {self.settings.max_bytes}", "blockedbyclient")
        self.bytes += len(answer.body)
        response = answer.response
        exchange = FetchResult(
            requested_url=url,
            final_url=url,
            status=response.status_code,
            http_version=response.http_version,
            request_method=method,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw],
            response_headers=[
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ],  # as received
            body=answer.body,  # as on the wire (like a plain capture)
            content=answer.content,
            fetched_at=fetched_at,
        )
        return exchange, answer.content


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


async def _abort(route: Any, code: str) -> None:
    """Refuse a request; the page may already have given up on it (closed, or the request cancelled)."""
    try:
        await route.abort(code)
    except Exception as exc:
        log.debug("render: abort: %s", _first_line(exc))


def _browser_process(chromium: str, exclude: int | None) -> int | None:
    """The newest Chromium main process below this one (None when not found)."""
    found = [pid for pid in chromium_processes(os.getpid()) if pid != exclude]
    return max(found) if found else None


def chromium_processes(root: int) -> list[int]:
    """Chromium main processes (Playwright's `--remote-debugging-pipe`, no `--type=`) below `root`, from /proc."""
    try:
        entries = [int(e) for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    parents: dict[int, list[int]] = {}
    for pid in entries:
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(pid)
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            todo.append(child)
            try:
                with open(f"/proc/{child}/cmdline", "rb") as f:
                    args = f.read().split(b"\0")
            except OSError:
                continue
            if b"--remote-debugging-pipe" in args and not any(a.startswith(b"--type=") for a in args):
                found.append(child)
    return found


def _merge(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Repeated headers as one (Playwright's fulfil takes a dict); Set-Cookie lines joined by newline."""
    merged: dict[str, tuple[str, str]] = {}
    for k, v in headers:
        key = k.lower()
        if key in merged:
            sep = "\n" if key == "set-cookie" else ", "
            merged[key] = (merged[key][0], merged[key][1] + sep + v)
        else:
            merged[key] = (k, v)
    return list(merged.values())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]
