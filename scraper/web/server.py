"""Run the desk with uvicorn: in the foreground (`takedowns serve`) or beside the daemon."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from archive.catalogue import Catalogue
from scraper import curators
from scraper.config import Config
from scraper.errors import UserError

from .app import create_app
from .settings import WebSettings, needs_sign_in, required_token, web_settings

log = logging.getLogger("takedowns.web")


def _server(config: Config, settings: WebSettings, host: str, port: int):
    try:
        import uvicorn
    except ImportError as exc:
        raise UserError(
            f"the review desk's libraries are missing ({exc.name}): reinstall takedown-archiver (pip install "
            "takedown-archiver), which includes them"
        ) from None
    token = desk_token(config, settings, host)
    app = create_app(config, settings, token)
    uv = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, server_header=False, proxy_headers=False
    )
    return uvicorn.Server(uv), token


def _has_curators(config: Config) -> bool:
    catalogue = Catalogue(config.catalogue_url, migrate=True)
    try:
        return curators.any_active(catalogue)
    finally:
        catalogue.dispose()


def desk_token(config: Config, settings: WebSettings, host: str) -> str | None:
    """The shared token requests must carry (None: curators' own tokens, or an open loopback desk);
    refuses a non-loopback bind without a way to sign in."""
    return required_token(settings, host, settings.auth == "token" and _has_curators(config))


def serve(
    config: Config, host: str | None = None, port: int | None = None, on_listen: Callable[[str], None] | None = None
) -> None:
    """Serve until Ctrl-C / SIGTERM; `on_listen` gets the desk's URL once the socket is bound."""
    settings = web_settings(config)
    host, port = host or settings.host, port if port is not None else settings.port
    server, token = _server(config, settings, host, port)
    sock = bind(host, port)
    where = f"[{host}]" if ":" in host else host
    log.info(
        "review desk on http://%s:%d/%s",
        where,
        sock.getsockname()[1],
        " (sign-in required)" if needs_sign_in(settings, token) else "",
    )
    if on_listen is not None:
        on_listen(f"http://{where}:{sock.getsockname()[1]}/")
    server.run(sockets=[sock])


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or one `error:` line saying why not (address in use, unknown host)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except (OSError, socket.gaierror) as exc:
        sock.close()
        raise UserError(
            f"cannot serve the desk on {host}:{port}: {exc.strerror or exc}: choose another --port or --host"
        ) from None
    sock.set_inheritable(True)
    return sock


@contextmanager
def desk_beside_daemon(config: Config) -> Iterator[None]:
    """With `[web] enabled = true`, the daemon also serves the desk in a thread; stopped with it."""
    settings = web_settings(config)
    if not settings.enabled:
        yield
        return
    server, _ = _server(config, settings, settings.host, settings.port)
    sock = bind(settings.host, settings.port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="review-desk", daemon=True)
    thread.start()
    log.info("review desk on http://%s:%d/", settings.host, settings.port)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
