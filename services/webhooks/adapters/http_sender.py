"""Posting one delivery over HTTP with aiohttp (runtime.public_http.client); every failure
becomes an outcome, not a raise.

Unless private targets are allowed, three checks stand between a delivery and the network:
the URL is judged again before each attempt (as at registration), the resolver's answers are
narrowed to public addresses, and a socket is only made for a public peer. The last one sees
every address aiohttp connects to, for every attempt, even an IP literal (which aiohttp
never gives the resolver); redirects are never followed."""

import time

import aiohttp

from runtime.public_http.client import BLOCKED, open_client, public_peer_socket
from runtime.public_http.targets import BadTarget, check_target
from services.webhooks.domain.model import AttemptOutcome

__all__ = ["BLOCKED", "HttpSender", "open_client", "public_peer_socket"]

MAX_RESPONSE_READ = 64 * 1024


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
