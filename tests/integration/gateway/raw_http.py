"""A gateway process (``python -m services.gateway``) logging JSON to a file, and raw HTTP/1.1
exchanges with it over a socket: what aiohttp's own client would never send."""

import asyncio
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime.embedded_nats import free_port
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class GatewayProcess:
    def __init__(self, nats_url: str, log_path: Path, env: Mapping[str, str]) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.env = {
            "PATH": "/usr/bin:/bin",
            "WA_NATS_URL": nats_url,
            "WA_GATEWAY_PORT": str(self.port),
            "WA_LOG_FORMAT": "json",
            **env,
        }
        self._proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "services.gateway"],
                env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        await eventually(self._healthy, timeout=20)

    async def _healthy(self) -> bool:
        assert self._proc is not None and self._proc.poll() is None, self.log_path.read_text()
        try:
            answer = await self.exchange(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        except OSError:
            return False
        return answer.status == 200

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)

    def log_lines(self) -> list[bytes]:
        return self.log_path.read_bytes().splitlines()

    async def exchange(self, raw: bytes) -> RawAnswer:
        """Send ``raw`` and read one answer (the gateway closes after an error, or on
        ``Connection: close``)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(raw)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            status_line, *lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in filter(None, lines):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            size = int(headers.get("content-length", "0"))
            body = await asyncio.wait_for(reader.readexactly(size), timeout=10)
            return RawAnswer(int(status_line.split(" ")[1]), headers, body)
        finally:
            writer.close()
