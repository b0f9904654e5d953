"""Refuse URLs that point at private, loopback, link-local or metadata addresses.

A feed could point the daemon at an internal service (SSRF). Every hop of a
fetch, redirects included, resolves its host once and is refused unless every
address is globally routable, or `[http] allow_private_networks = true`.

The connection then goes to an address from that same answer (`PinnedBackend`):
the name is never resolved a second time, so a DNS server that answers
"public" for the check and "127.0.0.1" for the connect (DNS rebinding) gains
nothing. The Host header and the TLS server name stay the host name, because
httpcore takes both from the URL, not from the address connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from scraper.errors import FetchError

Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata services that are not caught by "not global".
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"}

# IPv6 ranges that carry (or translate to) an IPv4 address, which may be a private one:
# 6to4, Teredo, NAT64 (well-known and local-use), IPv4-compatible and IPv4-translated.
_EMBEDDING_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("2002::/16", "2001::/32", "64:ff9b::/96", "64:ff9b:1::/48", "::/96", "::ffff:0:0:0/96")
]


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # ::ffff:a.b.c.d is just a.b.c.d on a dual-stack socket
        elif any(ip in net for net in _EMBEDDING_NETWORKS):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


async def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`, in the order the system resolver gives them."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def wire_host(url: str) -> str | None:
    """The URL's host as httpx sends it and connects to it: an internationalised name in its IDNA
    ASCII form (`bücher.example` -> `xn--bcher-kva.example`), lower case; None if httpx refuses the URL."""
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower() or None
    except (httpx.InvalidURL, UnicodeError):
        return None


class PrivateAddressError(Exception):
    """Raised inside the transport when a connection would go to an unchecked address."""


@dataclass
class AddressGuard:
    """Resolves and checks each host once per request, and remembers what it checked for the connect."""

    resolver: Resolver | None = None  # None: the system resolver (`resolve`)

    def __post_init__(self) -> None:
        self._pins: dict[tuple[str, int], list[str]] = {}

    async def check(self, url: str) -> None:
        """Raise FetchError(reason="private_address") unless the URL's host is public; pin its addresses."""
        parts = urlsplit(url)
        host = wire_host(url) or (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if host in _METADATA_HOSTS:
            raise _refused(url, host, host)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addresses = await (self.resolver or resolve)(host, port)
            except OSError as exc:
                raise FetchError(f"cannot resolve host {host} for {url}: {exc}", url=url, reason="dns") from None
        if not addresses:
            raise FetchError(f"cannot resolve host {host} for {url}: no addresses", url=url, reason="dns")
        for address in addresses:
            if not is_public_address(address):
                raise _refused(url, host, address)
        self._pins[(host, port)] = addresses

    def pinned(self, host: str, port: int) -> list[str]:
        addresses = self._pins.get((host.lower(), port))
        if not addresses:
            raise PrivateAddressError(f"{host}:{port} was not checked before connecting")
        return addresses


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard checked; never resolves a name itself."""

    def __init__(self, guard: AddressGuard):
        self.guard = guard
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        error: Exception | None = None
        for address in self.guard.pinned(host, port):
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:  # try the next checked address, like a resolver's list
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: object = None
    ) -> httpcore.AsyncNetworkStream:
        raise PrivateAddressError("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def pinned_transport(guard: AddressGuard, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections go only to the guard's checked addresses."""
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(  # same pool httpx builds, with our network backend
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(guard),
    )
    return transport


def _refused(url: str, host: str, address: str) -> FetchError:
    return FetchError(
        f"refusing {url}: {host} resolves to the non-public address {address} "
        "(set [http] allow_private_networks = true to allow it)",
        url=url,
        reason="private_address",
    )
