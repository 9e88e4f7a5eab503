"""``wa nats-node``, the command compose runs for each NATS server: passwords from the
environment, nobody anonymous, a service user in, and a clean stop on SIGTERM."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import nats
import pytest

from cli.nats_node import password_variable
from runtime.embedded_nats import free_port
from runtime.nats_auth.permissions import SERVICE_USERS
from tests.support.nats_refusal import refused
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(60)


async def test_a_node_takes_its_passwords_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, **{password_variable(u): f"pw-{u}" for u in SERVICE_USERS}}
    args = ["--name=n1", f"--store-dir={tmp_path / 'store'}", f"--port={port}"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "nats-node", *args], env=env, stdin=subprocess.DEVNULL
    )
    try:
        url = f"nats://127.0.0.1:{port}"

        async def gateway() -> nats.aio.client.Client | None:
            try:
                return await nats.connect(
                    url, user="gateway", password="pw-gateway", allow_reconnect=False
                )
            except Exception:
                return None

        nc = await eventually(gateway, timeout=30, interval=0.2)
        assert nc.is_connected
        await nc.close()
        assert await refused(url)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 20)
    assert code == 0


def test_a_node_refuses_to_start_without_every_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WA_NATS_PASSWORD_")}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "nats-node", "--name=n1", f"--store-dir={tmp_path}"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode != 0 and "WA_NATS_PASSWORD_GATEWAY" in done.stderr
