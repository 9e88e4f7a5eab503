"""Group calls cross the worker pipe to the real neonize client and back: a client that is
not online yet (its dial to WhatsApp held) refuses each with ``not_connected``, as the
service's gate expects, and nothing reaches WhatsApp."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.session.adapters.whatsapp.groups import GroupClient, GroupFailed
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.port import WorkerPort
from tests.integration.neonize.held_dial import HeldDials, held_dials
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents


@pytest.fixture
async def dials(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HeldDials]:
    async with held_dials(monkeypatch) as held:
        yield held


async def test_group_calls_reach_the_worker_and_come_back_refused(
    tmp_path: Path, dials: HeldDials
) -> None:
    config = p.Configure(data_dir=str(tmp_path), threads=8, reserve_threads=2)
    port = WorkerPort(
        config, sessions_per_worker=2, restart_base_s=0.05, restart_cap_s=0.2, call_wait_s=20
    )
    try:
        client = port.new_client(tenant="acme", session="s1", events=RecordingEvents())
        assert isinstance(client, GroupClient)
        await client.connect()

        async def dialing() -> bool:
            return await dials.count() >= 1

        await eventually(dialing, timeout=30)
        calls = [
            client.get_joined_groups(),
            client.create_group("Clinic", ["201000000001@s.whatsapp.net"]),
            client.update_group_participants(
                "120363000000000001@g.us", "add", ["1@s.whatsapp.net"]
            ),
            client.get_group_invite_link("120363000000000001@g.us", True),
            client.leave_group("120363000000000001@g.us"),
        ]
        for call in calls:
            with pytest.raises(GroupFailed) as refused:
                await call
            assert refused.value.code == "not_connected"
    finally:
        dials.release()
        await port.close()
