"""Guards on every request: token auth, CSRF cookie, security headers.

A pure ASGI middleware, so nothing (static files, errors, replays) escapes it.
Secrets are compared with `hmac.compare_digest` (constant time).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "desk_csrf"
CSRF_FIELD = "csrf"
DESK_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
# Stored captures: a unique opaque origin (no cookies, no desk), no scripts, nothing fetched.
REPLAY_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
HEADERS = {
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",  # no-referrer would make browsers send `Origin: null` on our own forms
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
ALLOWED_METHODS = {"GET", "HEAD", "POST"}
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


def _hostname(host: str) -> str:
    """`Host` header without its port ("[::1]:8765" -> "::1")."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def token_from_header(value: str) -> str | None:
    """`Bearer <token>`, or HTTP Basic with the token as password (any user name), as browsers send it."""
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def csrf_cookie(scope: Scope) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(_headers(scope).get("cookie", ""))
    except CookieError:  # a malformed Cookie header is just no cookie
        return None
    morsel = cookie.get(CSRF_COOKIE)
    return morsel.value if morsel and len(morsel.value) >= 32 else None


def csrf_ok(scope: Scope, submitted: str | None) -> bool:
    """The double-submit check: the form's token equals this browser's cookie."""
    expected = scope.get("state", {}).get("csrf_cookie")
    return bool(expected and submitted) and same_secret(submitted or "", expected or "")


class DeskGuard:
    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        *,
        local_only: bool = False,
        who: Callable[[str], Awaitable[str | None]] | None = None,
        sign_in: bool = False,
    ):
        self.app = app
        self.token = token
        self.local_only = local_only  # an open desk answers only loopback Host names (no DNS rebinding)
        self.who = who  # a curator's token -> their name (None: not a curator's token)
        self.sign_in = sign_in or token is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        existing = csrf_cookie(scope)
        token = existing or secrets.token_urlsafe(32)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["csrf"], state["csrf_cookie"] = token, existing

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in raw}
                for k, v in HEADERS.items():
                    if k not in present:
                        raw.append((k.encode(), v.encode()))
                if "content-security-policy" not in present:
                    raw.append((b"content-security-policy", DESK_CSP.encode()))
                if "cache-control" not in present:
                    raw.append((b"cache-control", b"no-store"))
                if existing is None:
                    raw.append((b"set-cookie", f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message["headers"] = raw
            await send(message)

        if scope["method"] not in ALLOWED_METHODS:
            await _plain(
                send_guarded,
                405,
                "error: method not allowed: the desk takes GET and POST",
                {"allow": "GET, HEAD, POST"},
            )
            return
        if self.local_only and _hostname(headers.get("host", "")) not in LOCAL_NAMES:
            await _plain(
                send_guarded,
                421,
                "error: this desk answers only to 127.0.0.1 or localhost (set a token to serve other names)",
            )
            return
        state["curator"] = None
        if self.sign_in:
            given = token_from_header(headers.get("authorization", ""))
            shared = given is not None and self.token is not None and same_secret(given, self.token)
            if given and not shared and self.who is not None:
                state["curator"] = await self.who(given)
            if not shared and state["curator"] is None:
                await _plain(
                    send_guarded,
                    401,
                    "error: authentication required: give your curator token or the desk token (HTTP Basic password or "
                    "Bearer)",
                    {"www-authenticate": 'Basic realm="takedowns review desk", charset="UTF-8"'},
                )
                return
        if scope["method"] == "POST":
            origin = headers.get("origin")
            host = headers.get("host", "")
            if origin and origin.split("://", 1)[-1] != host:  # "null" (sandboxed pages) included
                await _plain(send_guarded, 403, "error: cross-site request refused (Origin does not match this desk)")
                return
        await self.app(scope, receive, send_guarded)


async def _plain(send: Send, status: int, text: str, extra: dict[str, str] | None = None) -> None:
    body = (text + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
