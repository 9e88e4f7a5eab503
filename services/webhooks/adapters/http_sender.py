"""Posting one delivery over HTTP with aiohttp; every failure becomes an outcome, not a raise.

Unless private targets are allowed, three checks stand between a delivery and the network:
the URL is judged again before each attempt (as at registration), the resolver's answers are
narrowed to public addresses, and a socket is only made for a public peer. The last one sees
every address aiohttp connects to, for every attempt, even an IP literal (which aiohttp
never gives the resolver); redirects are never followed."""

import socket
import time

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from services.webhooks.domain.addresses import is_public_address
from services.webhooks.domain.model import AttemptOutcome
from services.webhooks.domain.targets import BadTarget, check_target

MAX_RESPONSE_READ = 64 * 1024
BLOCKED = "blocked: the host is not a public address"


class PublicOnlyResolver(AbstractResolver):
    """Resolves with ``inner``, then drops every non-public address."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = [r for r in await self._inner.resolve(host, port, family) if _public(r)]
        if not found:
            raise OSError(BLOCKED)
        return found

    async def close(self) -> None:
        await self._inner.close()


def _public(result: ResolveResult) -> bool:
    return is_public_address(result["host"])


def public_peer_socket(addr_info: AddrInfoType) -> socket.socket:
    """The socket for one connection attempt, refused unless its peer is a public address."""
    family, kind, proto, _, peer = addr_info
    if not is_public_address(str(peer[0])):
        raise OSError(BLOCKED)
    return socket.socket(family=family, type=kind, proto=proto)


def open_client(
    *, allow_private: bool, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """``resolver``: DNS as the system answers it unless given (tests give a fixed one)."""
    if allow_private:
        connector = aiohttp.TCPConnector(resolver=resolver)
    else:
        connector = aiohttp.TCPConnector(
            resolver=PublicOnlyResolver(resolver), socket_factory=public_peer_socket
        )
    return aiohttp.ClientSession(connector=connector, trust_env=False)


class HttpSender:
    """The HTTP port: POST ``body`` to ``url``; redirects are not followed (a 3xx fails)."""

    def __init__(self, http: aiohttp.ClientSession, *, allow_private: bool) -> None:
        self._http = http
        self._allow_private = allow_private

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float
    ) -> AttemptOutcome:
        started_ms = int(time.time() * 1000)
        began = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            check_target(url, allow_private=self._allow_private)
        except BadTarget as exc:
            return AttemptOutcome(started_ms=started_ms, duration_ms=0, error=_blocked(exc))
        try:
            async with self._http.post(
                url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout_s),
                allow_redirects=False,
            ) as resp:
                status = resp.status
                await resp.content.read(MAX_RESPONSE_READ)
        except TimeoutError:
            error = f"timeout after {timeout_s:g}s"
        except aiohttp.ClientError as exc:
            blocked = BLOCKED in str(getattr(exc, "os_error", ""))
            error = BLOCKED if blocked else f"connection failed: {type(exc).__name__}"
        if status is not None and not 200 <= status < 300:
            error = f"HTTP {status}"
        duration_ms = int((time.monotonic() - began) * 1000)
        return AttemptOutcome(
            started_ms=started_ms, duration_ms=duration_ms, status_code=status, error=error
        )


def _blocked(exc: BadTarget) -> str:
    return BLOCKED if exc.reason == "private_address" else f"blocked: {exc.message}"
