"""neonize clients in worker processes (WA_WHATSAPP=neonize), with the real neonize: a worker
killed or crashed is restarted, its running sessions report one drop each, and reconnect into
the new worker; the other shards and this process carry on."""

import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.media import MediaDescriptor
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed, WhatsAppClient
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.port import WorkerPort
from services.session.adapters.whatsapp.worker.process import WorkerProcess
from tests.integration.neonize.held_dial import HeldDials
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents


@pytest.fixture
async def port(tmp_path: Path, dials: HeldDials) -> AsyncIterator[WorkerPort]:
    config = p.Configure(
        data_dir=str(tmp_path), registration_grace_s=0.2, threads=8, reserve_threads=2
    )
    worker_port = WorkerPort(
        config, sessions_per_worker=2, restart_base_s=0.05, restart_cap_s=0.2, call_wait_s=20
    )
    yield worker_port
    dials.release()
    await worker_port.close()


def reaped(worker: WorkerProcess) -> bool:
    """Waited for (no zombie left), and not running any more."""
    if worker.proc.returncode is None:
        return False
    try:
        with open(f"/proc/{worker.pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[1] != "Z"
    except FileNotFoundError:
        return True


async def running_sessions(
    port: WorkerPort, dials: HeldDials, names: list[str]
) -> dict[str, tuple[WhatsAppClient, RecordingEvents]]:
    sessions = {}
    for name in names:
        events = RecordingEvents()
        client = port.new_client(tenant="acme", session=name, events=events)
        await client.connect()
        sessions[name] = (client, events)
    await eventually(lambda: _at_least(dials, len(names)), timeout=30)
    return sessions


async def _at_least(dials: HeldDials, count: int) -> bool:
    return await dials.count() >= count


async def worker_clients(port: WorkerPort, shard: int) -> int:
    worker = port.shards[shard].current
    assert worker is not None
    reply = await worker.call(0, "stats")
    assert reply.stats is not None
    return reply.stats.clients


@pytest.mark.parametrize("ending", ["sigkill", "exit"])
async def test_a_dead_worker_is_restarted_and_its_sessions_come_back(
    port: WorkerPort, dials: HeldDials, ending: str
) -> None:
    sessions = await running_sessions(port, dials, ["s1", "s2", "s3"])  # shards: s1 s2 | s3
    old, other = port.shards[0].current, port.shards[1].current
    assert old is not None and other is not None
    if ending == "sigkill":
        os.kill(old.pid, signal.SIGKILL)  # as a Go fatal error or an exhausted pool would
    else:
        old.send(p.Die(code=70))  # os._exit inside the worker

    async def both_dropped() -> bool:
        return all(sessions[s][1].calls == [("dropped", "worker_crashed")] for s in ("s1", "s2"))

    await eventually(both_dropped, timeout=20)
    assert reaped(old) and old.proc.returncode == (-9 if ending == "sigkill" else 70)
    new = await port.shards[0].running(20)
    assert new is not old and new.pid != old.pid and port.shards[0].restarts == 1
    for name in ("s1", "s2"):  # the policy reconnects: a fresh client, in the new worker
        await sessions[name][0].connect()
    await eventually(lambda: _at_least(dials, 5), timeout=30)
    assert await worker_clients(port, 0) == 2  # one client per session: none left over
    assert sessions["s3"][1].calls == [] and port.shards[1].current is other and other.alive
    assert await worker_clients(port, 1) == 1


async def test_a_disconnected_or_replaced_client_is_never_called_again(
    port: WorkerPort, dials: HeldDials
) -> None:
    sessions = await running_sessions(port, dials, ["s1"])
    client, _ = sessions["s1"]
    dials.release()  # else whatsmeow's Stop waits for the held dial to time out
    await client.disconnect()
    with pytest.raises(Exception, match="never called again"):
        await client.connect()
    worker = await port.shards[0].running(20)
    worker.send(p.Open(client=901, tenant="acme", session="s9"))
    worker.send(p.Open(client=902, tenant="acme", session="s9"))  # replaces 901
    stale = await worker.call(901, "connect")
    assert not stale.ok and stale.failure == "unknown_client"
    assert "stopped or replaced" in stale.error
    assert await worker_clients(port, 0) == 1


async def test_new_connections_are_refused_before_the_worker_runs_out_of_threads(
    tmp_path: Path, dials: HeldDials
) -> None:
    config = p.Configure(
        data_dir=str(tmp_path), registration_grace_s=0.2, threads=3, reserve_threads=1
    )
    port = WorkerPort(config, sessions_per_worker=5, call_wait_s=20)
    try:
        await running_sessions(port, dials, ["s1", "s2"])
        worker = await port.shards[0].running(20)

        async def two_held() -> bool:
            reply = await worker.call(0, "stats")
            return reply.stats is not None and reply.stats.threads_in_use == 2

        await eventually(two_held, timeout=20)
        events = RecordingEvents()
        third = port.new_client(tenant="acme", session="s3", events=events)
        with pytest.raises(Exception, match="2 of its 3 threads in use"):
            await third.connect()
        assert events.kinds() == ["pairing_failed"]
        assert events.calls[0][1] == "connect_failed" and "threads in use" in str(
            events.calls[0][2]
        )
    finally:
        dials.release()
        await port.close()


async def test_a_media_send_reaches_the_neonize_client_in_the_worker(
    port: WorkerPort, dials: HeldDials, tmp_path: Path
) -> None:
    sessions = await running_sessions(port, dials, ["s1"])
    client, _ = sessions["s1"]
    file = tmp_path / "f.jpg"
    file.write_bytes(b"\xff\xd8\xff")
    media = OutgoingMedia(
        descriptor=MediaDescriptor(kind="image", mime="image/jpeg"), path=str(file)
    )
    with pytest.raises(SendFailed) as failed:  # its neonize client is still dialling
        await client.send_media(
            chat_jid="201234567890@s.whatsapp.net", media=media, message_id="m1"
        )
    assert failed.value.retryable and "not connected" in str(failed.value)


async def test_chat_calls_cross_the_pipe_and_refuse_while_not_logged_in(
    port: WorkerPort, dials: HeldDials
) -> None:
    sessions = await running_sessions(port, dials, ["s1"])
    client, _ = sessions["s1"]
    calls = [
        client.mark_read(chat_jid="201000000002@s.whatsapp.net", sender_jid=None,
                         message_ids=["A"], read_at=datetime.now(UTC)),
        client.send_presence(chat_jid="201000000002@s.whatsapp.net", state="composing"),
        client.check_numbers(["201000000002"]),
        client.profile_picture("201000000002@s.whatsapp.net"),
    ]  # fmt: skip
    for call in calls:  # the worker's neonize client answers, through the pipe, as refused
        with pytest.raises(SendFailed, match="not connected"):
            await call
    assert await worker_clients(port, 0) == 1  # the worker is fine and still holds the client
