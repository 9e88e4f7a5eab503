"""The session service started as its own process with WA_WHATSAPP=neonize, as deployed: it
starts its neonize worker, answers its ping, and a pairing that cannot reach WhatsApp (no
network here) ends honestly in ``session.pairing_failed``."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.commands import PairSession
from contracts.events import SessionPairingFailed
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import Driver
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def service(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
        "WA_NATS_URL": settings.nats_url,
        "WA_DATA_DIR": settings.data_dir,
        "WA_WHATSAPP": "neonize",
        "WA_PAIRING_START_TIMEOUT_S": "10",
        "WA_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.session"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


async def test_the_service_process_on_neonize_starts_answers_and_fails_pairings_honestly(
    service: subprocess.Popen[bytes], bus: Bus
) -> None:
    async def answers() -> bool:
        assert service.poll() is None, f"the service exited with {service.returncode}"
        try:
            return (await bus.nc.request("wa.ping.session", b"", timeout=0.5)) is not None
        except Exception:
            return False

    await eventually(answers, timeout=30)
    d = Driver(bus)
    session = await d.create()
    await d.command(PairSession(tenant="t1", session=session))
    (event,) = await d.wait_for(session, "session.pairing_failed", timeout=30)
    assert isinstance(event.payload, SessionPairingFailed)
    assert event.payload.reason in ("connect_failed", "timeout")
    assert service.poll() is None  # still serving
