"""Refuse URLs that point at private, loopback, link-local or metadata addresses.

A feed could point the daemon at an internal service (SSRF). Every hop of a
fetch, redirects included, resolves its host and is refused unless every
address is globally routable, or `[http] allow_private_networks = true`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from scraper.errors import FetchError

# Cloud metadata services that are not caught by "not global".
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


async def resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


async def check_public(url: str) -> None:
    """Raise FetchError(reason="private_address") unless the URL's host is public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _METADATA_HOSTS:
        raise _refused(url, host, host)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = await resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError as exc:
            raise FetchError(f"cannot resolve host {host} for {url}: {exc}", url=url, reason="dns") from None
    for address in addresses:
        if not is_public_address(address):
            raise _refused(url, host, address)


def _refused(url: str, host: str, address: str) -> FetchError:
    return FetchError(
        f"refusing {url}: {host} resolves to the non-public address {address} "
        "(set [http] allow_private_networks = true to allow it)",
        url=url,
        reason="private_address",
    )
