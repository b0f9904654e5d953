"""`[web]` settings and the rule that the desk never listens beyond loopback without a token."""

from __future__ import annotations

import ipaddress
import os

from scraper.config import Config, section_settings
from scraper.errors import UserError
from scraper.settings import WebSettings


def web_settings(config: Config) -> WebSettings:
    """`[web]`, validated when the config loaded (auth mode, port and page size ranges)."""
    return section_settings(config, "web", WebSettings)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def required_token(settings: WebSettings, host: str, has_curators: bool = False) -> str | None:
    """The token requests must carry, or None for an open loopback desk.

    Refuses (UserError) to serve a non-loopback address, or `auth = "token"`,
    without a token in the environment (or, with `auth = "token"`, a curator):
    the desk changes the catalogue.
    """
    token = os.environ.get(settings.token_env, "")
    if token and len(token) < 16:
        raise UserError(
            f"${settings.token_env} is too short: use at least 16 random characters (e.g. `openssl rand -hex 24`)"
        )
    if token:
        return token
    if settings.auth == "token":
        if has_curators:  # each curator signs in with a token of their own
            return None
        raise UserError(
            f'[web] auth = "token" but no curator is added and ${settings.token_env} is not set: '
            "run `takedowns curators add NAME` (or set the shared token to a long random secret)"
        )
    if not is_loopback(host):
        raise UserError(
            f"refusing to serve the desk on {host} without authentication: set ${settings.token_env} "
            'to a long random secret (or [web] auth = "token" with `takedowns curators add NAME`), or bind to 127.0.0.1'
        )
    return None


def needs_sign_in(settings: WebSettings, token: str | None) -> bool:
    """Whether every request must carry a token (the shared one, or a curator's)."""
    return token is not None or settings.auth == "token"
