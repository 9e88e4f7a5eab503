"""Go threads that do not come back are counted in their worker; at the limit the worker takes
no new connection (a clear error, which also ends a pairing) and is recycled: ended on purpose
and replaced at once, its running sessions told ``worker_recycled`` (not a counted attempt).
Real neonize: a Stop while whatsmeow holds a dial does not return for a minute, so it is
stuck; this test's heartbeat only beats when the test sends a Ping itself."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.heartbeat import Heartbeat
from services.session.adapters.whatsapp.worker.port import WorkerPort
from services.session.adapters.whatsapp.worker.process import WorkerProcess
from tests.integration.neonize.held_dial import HeldDials
from tests.integration.neonize.test_worker_isolation import (
    _at_least,
    reaped,
    running_sessions,
    worker_clients,
)
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents


@pytest.fixture
async def port(tmp_path: Path, dials: HeldDials) -> AsyncIterator[WorkerPort]:
    config = p.Configure(
        data_dir=str(tmp_path),
        registration_grace_s=0.2,
        threads=8,
        reserve_threads=1,
        stop_wait_s=0.3,
        leaked_threads_max=1,
    )
    manual = Heartbeat(every_s=3600, misses=3, start_s=3600)
    worker_port = WorkerPort(config, sessions_per_worker=5, restart_base_s=30, beat=manual)
    yield worker_port
    dials.release()
    await worker_port.close()


async def leaked(worker: WorkerProcess) -> int:
    reply = await worker.call(0, "stats")
    assert reply.stats is not None
    return reply.stats.leaked_threads


async def test_a_worker_with_stuck_threads_refuses_connections_and_is_recycled(
    port: WorkerPort, dials: HeldDials
) -> None:
    sessions = await running_sessions(port, dials, ["s1", "s2", "s3"])
    old = port.shards[0].current
    assert old is not None
    stop = asyncio.ensure_future(sessions["s1"][0].disconnect())  # Stop waits on the held dial
    await eventually(lambda: leaked(old), timeout=20)

    events = RecordingEvents()
    late = port.new_client(tenant="acme", session="s4", events=events)
    with pytest.raises(Exception, match="1 stuck threads"):
        await late.connect()
    assert events.kinds() == ["pairing_failed"] and "being replaced" in str(events.calls[0][2])

    old.send(p.Ping(seq=1))  # its Pong says 1 stuck thread: the supervisor recycles it

    async def both_told() -> bool:
        return all(sessions[s][1].calls == [("dropped", "worker_recycled")] for s in ("s2", "s3"))

    await eventually(both_told, timeout=20)
    await stop  # the stuck Stop went with its worker
    assert reaped(old) and old.proc.returncode == 0 and old.end_reason == "worker_recycled"
    new = await port.shards[0].running(5)  # at once, though a crash would wait 30 s
    assert new is not old and port.shards[0].restarts == 1
    for name in ("s2", "s3"):
        await sessions[name][0].connect()
    await eventually(lambda: _at_least(dials, 5), timeout=30)
    assert await worker_clients(port, 0) == 2 and await leaked(new) == 0
