"""A small HTTP client for the gateway, for tests."""

from typing import Any

import aiohttp


class Api:
    def __init__(self, http: aiohttp.ClientSession, base: str, key: str = "") -> None:
        self.http = http
        self.base = base
        self.key = key

    def as_key(self, key: str) -> "Api":
        return Api(self.http, self.base, key)

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        sent = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        sent.update(headers or {})
        async with self.http.request(
            method, self.base + path, json=json, data=data, headers=sent
        ) as resp:
            body = (
                await resp.json() if resp.content_type == "application/json" else await resp.read()
            )
            return resp.status, body
