"""Which addresses digest may fetch from: public ones, and the hosts ``[fetch] allow_hosts`` names.

A link in a feed or a page, or a redirect, must not make digest read an internal service (a cloud
metadata endpoint, an admin page on the intranet) and paste its answer into every email. So the
check is made on the addresses a host resolves to, when the connection is opened, and the connection
goes to the very address that was checked: a name that resolves to 10.0.0.5, a redirect to
http://127.0.0.1/ and DNS that answers differently the second time (rebinding) are all refused.
httpx sends every redirect through the same transport, so each hop is checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv4 addresses reached through a NAT64 gateway
HINT = "add it to [fetch] allow_hosts to allow it"


class RefusedAddressError(Exception):
    """A fetch the address policy refused; httpx passes it through unchanged."""

    def __init__(self, address: str, why: str, url: str = "") -> None:
        self.address, self.why, self.url = address, why, url
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """Why, in words, with what to do about it."""
        return f"{self.address} is {self.why} ({HINT})"

    def at(self, url: str) -> RefusedAddressError:
        """The same refusal, naming the URL whose request it stopped."""
        return RefusedAddressError(self.address, self.why, url)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses are allowed; others only when their host name or network is listed."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def allowing(cls, hosts: Iterable[str]) -> AddressPolicy:
        """A policy from ``allow_hosts`` entries: host names, IP addresses and networks."""
        names, networks = set(), []
        for host in hosts:
            host = host.strip().lower().rstrip(".")
            try:
                networks.append(ipaddress.ip_network(host.strip("[]"), strict=False))
            except ValueError:
                names.add(host)
        return cls(frozenset(names), tuple(networks))

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """Why ``address`` (which ``host`` resolved to) may not be fetched, or None when it may."""
        if host.lower().rstrip(".") in self.names or any(address in n for n in self.networks):
            return None
        return kind_of(address)


def kind_of(address: IPAddress) -> str | None:
    """What sort of non-public address this is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:
            return kind_of(embedded)
    for test, name in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
    ):
        if test:
            return name
    return None if address.is_global else "not a public address"


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves each host itself, checks every address, and connects only to an allowed one."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A connection to the first allowed address of ``host`` that answers."""
        failed: Exception | None = None
        for address in await self.allowed(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:  # try the host's next address, as a browser does
                failed = exc
        assert failed is not None  # allowed() returns at least one address
        raise failed

    async def allowed(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` that may be fetched; RefusedAddressError when there is none."""
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve '{host}': {exc}") from None
        addresses = _unique(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found)
        if not addresses:
            raise httpcore.ConnectError(f"'{host}' resolves to no address")
        allowed = [str(a) for a in addresses if self._policy.refusal(host, a) is None]
        if not allowed:
            raise RefusedAddressError(
                str(addresses[0]), self._policy.refusal(host, addresses[0]) or "not allowed"
            )
        return allowed

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Never: a fetch goes over TCP only."""
        raise RefusedAddressError(path, "a local socket")

    async def sleep(self, seconds: float) -> None:
        """Wait, as the wrapped backend waits."""
        await self._inner.sleep(seconds)


def _unique(addresses: Iterable[IPAddress]) -> Sequence[IPAddress]:
    return list(dict.fromkeys(addresses))


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, connecting through a GuardedBackend; a refusal names its request's URL."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        # httpx 0.28 takes no network backend of its own: give its pool one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request (each redirect is one); a refused address names this request's URL."""
        try:
            return await super().handle_async_request(request)
        except RefusedAddressError as exc:
            raise exc.at(str(request.url)) from None
