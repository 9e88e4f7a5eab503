"""A worker that hangs without exiting (its loop blocked, its pipes open) misses its heartbeats,
is SIGKILLed, reaped and restarted; each of its running sessions reports one drop,
``worker_hung``, and reconnects into the new worker. The real neonize worker, hung on purpose."""

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


@pytest.fixture
async def port(tmp_path: Path, dials: HeldDials) -> AsyncIterator[WorkerPort]:
    config = p.Configure(
        data_dir=str(tmp_path), registration_grace_s=0.2, threads=8, reserve_threads=2
    )
    beat = Heartbeat(every_s=0.5, misses=10)  # 5 s: a busy machine does not look hung
    worker_port = WorkerPort(
        config, sessions_per_worker=2, restart_base_s=0.05, restart_cap_s=0.2, beat=beat
    )
    yield worker_port
    dials.release()
    await worker_port.close()


async def answering(worker: WorkerProcess) -> bool:
    return worker.beats.answered > 0


async def test_a_hung_worker_is_killed_and_its_sessions_come_back(
    port: WorkerPort, dials: HeldDials
) -> None:
    sessions = await running_sessions(port, dials, ["s1", "s2", "s3"])  # shards: s1 s2 | s3
    hung, other = port.shards[0].current, port.shards[1].current
    assert hung is not None and other is not None
    await eventually(lambda: answering(hung), timeout=30)
    hung.send(p.Hang())  # its loop stops for good; the process and its pipes stay

    async def both_dropped() -> bool:
        return all(sessions[s][1].calls == [("dropped", "worker_hung")] for s in ("s1", "s2"))

    await eventually(both_dropped, timeout=30)
    assert reaped(hung) and hung.proc.returncode == -9 and hung.end_reason == "worker_hung"
    new = await port.shards[0].running(20)
    assert new is not hung and port.shards[0].restarts == 1
    for name in ("s1", "s2"):
        await sessions[name][0].connect()
    await eventually(lambda: _at_least(dials, 5), timeout=30)
    assert await worker_clients(port, 0) == 2
    assert sessions["s3"][1].calls == [] and port.shards[1].current is other and other.alive
