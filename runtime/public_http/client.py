"""An aiohttp client that connects to public addresses only: the resolver's answers are
narrowed to them, and a socket is only made for a public peer, which sees every address
aiohttp connects to (even an IP literal, which aiohttp never gives the resolver)."""

import functools
import socket

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from runtime.public_http.addresses import is_admitted_address

__all__ = ["BLOCKED", "PublicOnlyResolver", "open_client", "public_peer_socket"]

BLOCKED = "blocked: the host is not a public address"


class PublicOnlyResolver(AbstractResolver):
    """Resolves with ``inner``, then drops every non-public address (but loopback ones when
    ``loopback``)."""

    def __init__(self, inner: AbstractResolver | None = None, *, loopback: bool = False) -> None:
        self._inner = inner or DefaultResolver()
        self._loopback = loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = [
            r
            for r in await self._inner.resolve(host, port, family)
            if is_admitted_address(r["host"], loopback=self._loopback)
        ]
        if not found:
            raise OSError(BLOCKED)
        return found

    async def close(self) -> None:
        await self._inner.close()


def _peer_socket(addr_info: AddrInfoType, *, loopback: bool) -> socket.socket:
    family, kind, proto, _, peer = addr_info
    if not is_admitted_address(str(peer[0]), loopback=loopback):
        raise OSError(BLOCKED)
    return socket.socket(family=family, type=kind, proto=proto)


def public_peer_socket(addr_info: AddrInfoType) -> socket.socket:
    """The socket for one connection attempt, refused unless its peer is a public address."""
    return _peer_socket(addr_info, loopback=False)


def open_client(
    *, allow_private: bool, allow_loopback: bool = False, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """``resolver``: DNS as the system answers it unless given (tests give a fixed one);
    ``allow_loopback`` admits loopback peers besides public ones (development and tests)."""
    if allow_private:
        connector = aiohttp.TCPConnector(resolver=resolver)
    else:
        factory = functools.partial(_peer_socket, loopback=allow_loopback)
        connector = aiohttp.TCPConnector(
            resolver=PublicOnlyResolver(resolver, loopback=allow_loopback), socket_factory=factory
        )
    return aiohttp.ClientSession(connector=connector, trust_env=False)
