"""Posting one delivery over HTTP with aiohttp; every failure becomes an outcome, not a raise.
Unless private targets are allowed, a host must resolve to public addresses only (checked
when connecting, so a name that later points inside the network is still refused)."""

import socket
import time
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from services.webhooks.domain.model import AttemptOutcome
from services.webhooks.domain.validation import is_ip_literal, is_public_address

MAX_RESPONSE_READ = 64 * 1024
BLOCKED = "blocked: the host is not a public address"


class PublicOnlyResolver(AbstractResolver):
    """Resolves as usual, then drops every non-public address."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

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


def open_client(*, allow_private: bool) -> aiohttp.ClientSession:
    resolver = None if allow_private else PublicOnlyResolver()
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver))


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
        host = urlsplit(url).hostname or ""
        if not self._allow_private and is_ip_literal(host) and not is_public_address(host):
            return AttemptOutcome(started_ms=started_ms, duration_ms=0, error=BLOCKED)
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
