"""Posting one delivery over HTTP with aiohttp; every failure becomes an outcome, not a raise."""

import time

import aiohttp

from services.webhooks.domain.model import AttemptOutcome

MAX_RESPONSE_READ = 64 * 1024


class HttpSender:
    """The HTTP port: POST ``body`` to ``url``; redirects are not followed (a 3xx fails)."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self._http = http

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float
    ) -> AttemptOutcome:
        started_ms = int(time.time() * 1000)
        began = time.monotonic()
        status: int | None = None
        error: str | None = None
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
            error = f"connection failed: {type(exc).__name__}"
        if status is not None and not 200 <= status < 300:
            error = f"HTTP {status}"
        duration_ms = int((time.monotonic() - began) * 1000)
        return AttemptOutcome(
            started_ms=started_ms, duration_ms=duration_ms, status_code=status, error=error
        )
