"""``wa up`` as a user runs it (a subprocess): the banner does not echo an admin token given
through the environment, and a service killed with SIGKILL is restarted by ``wa up`` itself."""

import asyncio
import json
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from runtime.embedded_nats import free_port
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


class WaUp:
    def __init__(self, proc: asyncio.subprocess.Process, gateway: str) -> None:
        self.proc = proc
        self.gateway = gateway
        self.stdout: list[str] = []
        self.logs: list[str] = []

    async def read(self, stream: asyncio.StreamReader | None, into: list[str]) -> None:
        assert stream is not None
        while line := await stream.readline():
            into.append(line.decode())

    def child(self, service: str) -> int:
        """The pid of the service's current process (a child of ``wa up``)."""
        pid = self.proc.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for child in children:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if f"services.{service}".encode() in cmdline:
                return int(child)
        raise LookupError(service)

    def restarted(self, service: str) -> bool:
        for line in self.logs:
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("event") == "service.restarted" and entry["process"] == service:
                    return True
        return False


@pytest.fixture
async def wa_up(tmp_path: Path) -> AsyncIterator[WaUp]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "WA_DATA_DIR": str(tmp_path / "var"),
        "WA_NATS_PORT": str(free_port()),
        "WA_GATEWAY_PORT": str(port),
        "WA_ADMIN_TOKEN": "adm_from_env_" + secrets.token_urlsafe(12),
        "WA_LOG_FORMAT": "json",
        "WA_RESTART_BASE_S": "0.1",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", "up", cwd=ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    up = WaUp(proc, f"http://127.0.0.1:{port}")
    readers = [
        asyncio.create_task(up.read(proc.stdout, up.stdout)),
        asyncio.create_task(up.read(proc.stderr, up.logs)),
    ]
    try:
        yield up
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), timeout=30)
        await asyncio.gather(*readers)
    assert env["WA_ADMIN_TOKEN"] not in "".join(up.stdout + up.logs)


async def ready(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(url + "/readyz") as resp:
            return resp.status == 200
    except aiohttp.ClientError:
        return False


async def test_wa_up_hides_the_env_token_and_restarts_a_killed_service(wa_up: WaUp) -> None:
    async def banner() -> bool:
        return any("Ctrl-C stops everything" in line for line in wa_up.stdout)

    await eventually(banner, timeout=60, interval=0.1)
    assert "  admin token: from WA_ADMIN_TOKEN\n" in wa_up.stdout
    assert await ready(wa_up.gateway)
    store = wa_up.child("store")
    os.kill(store, signal.SIGKILL)

    async def restarted() -> bool:
        return wa_up.restarted("store") and await ready(wa_up.gateway)

    await eventually(restarted, timeout=60, interval=0.1)
    assert wa_up.child("store") != store
    wa_up.proc.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(wa_up.proc.wait(), timeout=30) == 0
