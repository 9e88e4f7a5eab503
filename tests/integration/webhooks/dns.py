"""A fixed DNS for the webhook tests: aiohttp's resolver port answered from a table, so a
public-looking name can resolve to loopback without touching the machine's resolver."""

import socket

from aiohttp.abc import AbstractResolver, ResolveResult


class StaticResolver(AbstractResolver):
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"{host} is not in the table")
        address = self.table[host]
        kind = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [
            ResolveResult(hostname=host, host=address, port=port, family=kind, proto=0, flags=0)
        ]

    async def close(self) -> None:
        return None
