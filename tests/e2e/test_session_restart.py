"""SIGKILL the session service during a burst of sends and incoming messages: after a restart
nothing is lost or doubled, compared between the event log and what the simulator saw."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cli.stack import LocalStack
from contracts.commands import Accepted, SendText
from contracts.events import MessageReceived
from contracts.ids import new_id
from contracts.simulator import SimIncoming
from runtime.bus import Bus, open_bus
from runtime.nats_auth.permissions import OPERATOR
from runtime.settings import load_settings
from tests.integration.session.harness import Driver
from tests.support.waiting import eventually

ENV = {
    "PATH": "/usr/bin:/bin",
    "WA_LOG_FORMAT": "json",
    "WA_SEND_PER_MINUTE": "600",
    "WA_SEND_BURST": "5",
    "WA_SEND_MIN_SPACING_S": "0.01",
    "WA_SEND_JITTER_S": "0.01",
    "WA_LEASE_TTL_S": "6",
    "WA_RECONNECT_BASE_S": "0.05",
}


@pytest.fixture
async def session_stack(tmp_path: Path) -> AsyncIterator[LocalStack]:
    stack = LocalStack(tmp_path / "var", env=ENV, services=("session",))
    await stack.start()
    yield stack
    stack.stop()


async def _ready(bus: Bus) -> bool:
    try:
        await bus.nc.request("wa.ping.session", b"", timeout=0.3)
        return True
    except Exception:
        return False


async def _until_accepted(d: Driver, send: SendText) -> None:
    while True:
        try:
            if isinstance(await d.command(send), Accepted):
                return
        except Exception:
            await asyncio.sleep(0.1)


async def _until_delivered(d: Driver, incoming: SimIncoming) -> None:
    while True:
        try:
            if (await d.sim("incoming", incoming)).ok:
                return
        except Exception:
            await asyncio.sleep(0.1)


async def test_a_sigkill_loses_and_doubles_nothing(session_stack: LocalStack) -> None:
    settings = load_settings(
        {}, nats_url=session_stack.env["WA_NATS_URL"], data_dir=str(session_stack.data_dir)
    )
    bus = await open_bus(settings, "test", OPERATOR)
    try:
        await eventually(lambda: _ready(bus), timeout=20)
        d = Driver(bus)
        session = await d.connected_session()
        sends = [
            SendText(
                tenant="t1", session=session, to="+201001234567", text=str(i), message_id=new_id()
            )
            for i in range(80)
        ]
        incoming = [
            SimIncoming(
                session=session, sender="+201001234568", text=str(i), message_id=f"IN{i:04d}"
            )
            for i in range(40)
        ]
        sending = asyncio.gather(*(_until_accepted(d, s) for s in sends))

        async def some_sent() -> bool:
            return len((await d.sent(session)).sent) >= 5

        await eventually(some_sent, timeout=20)
        receiving = asyncio.gather(*(_until_delivered(d, m) for m in incoming))
        await asyncio.sleep(0)  # let the incoming requests go out, then kill mid-burst
        session_stack.kill("session")
        session_stack.start_service("session")
        await eventually(lambda: _ready(bus), timeout=20)
        await asyncio.wait_for(asyncio.gather(sending, receiving), 60)
        ids = {s.message_id for s in sends}
        await d.wait_for(session, "message.sent", count=len(ids), timeout=60)
        events = await d.events(session)
        per_type = {
            kind: Counter(getattr(e.payload, "message_id", None) for e in events if e.type == kind)
            for kind in ("message.queued", "message.sent", "message.received")
        }
        assert (
            set(per_type["message.queued"]) == ids and max(per_type["message.queued"].values()) == 1
        )
        assert set(per_type["message.sent"]) == ids and max(per_type["message.sent"].values()) == 1
        assert "message.send_failed" not in {e.type for e in events}
        kinds = [e.type for e in events]
        assert kinds.count("session.connected") == 2  # resumed by the restarted service
        assert kinds.index("session.connected", 3) < max(
            i for i, kind in enumerate(kinds) if kind == "message.sent"
        )  # the burst was still going when the service died
        seen = (await d.sent(session)).sent
        assert Counter(m.message_id for m in seen) == Counter(ids)
        received = per_type["message.received"]
        assert set(received) == {m.message_id for m in incoming}
        assert max(received.values()) == 1
        texts = {e.payload.text for e in events if isinstance(e.payload, MessageReceived)}
        assert texts == {m.text for m in incoming}
    finally:
        await bus.close()
