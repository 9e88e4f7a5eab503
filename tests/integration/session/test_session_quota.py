"""A tenant has at most ``tenant_max_sessions`` live sessions, even when creations race on
two session-service instances at once (each sent straight to one instance)."""

import asyncio

import msgspec
from nats.errors import NoRespondersError
from nats.js.errors import KeyDeletedError, KeyNotFoundError

from contracts.commands import Accepted, CommandReply, CreateSession, DeleteSession, Refused
from contracts.ids import new_id
from contracts.subjects import instance_command_subject
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.adapters.tenant_locks import TENANT_LOCK_BUCKET
from tests.integration.session.harness import Driver, fast, running_service
from tests.support.waiting import eventually

_encoder = msgspec.json.Encoder()
_reply: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)


async def _create_on(bus: Bus, instance: str, tenant: str = "t1") -> CommandReply:
    cmd = CreateSession(tenant=tenant, session=new_id(), name="Sales")
    subject = instance_command_subject(instance, tenant, cmd.session)
    msg = await bus.nc.request(subject, _encoder.encode(cmd), timeout=10)
    return _reply.decode(msg.data)


async def _answers(bus: Bus, instance: str) -> bool:
    """Whether the instance serves its own subject yet (both answer the shared ping)."""
    probe = DeleteSession(tenant="t0", session="nobody")
    subject = instance_command_subject(instance, "t0", "nobody")
    try:
        await bus.nc.request(subject, _encoder.encode(probe), timeout=1)
    except NoRespondersError:
        return False
    return True


async def test_creations_racing_on_two_instances_stop_at_the_limit(
    settings: Settings, bus: Bus
) -> None:
    a = fast(settings, instance_id="inst-a", tenant_max_sessions=3)
    b = fast(settings, instance_id="inst-b", tenant_max_sessions=3)
    d = Driver(bus)
    async with running_service(a, bus), running_service(b, bus):
        for instance in ("inst-a", "inst-b"):
            await eventually(lambda instance=instance: _answers(bus, instance))
        racing = [_create_on(bus, name) for name in ("inst-a", "inst-b") * 5]
        replies = await asyncio.gather(*racing)
        made = [r for r in replies if isinstance(r, Accepted)]
        assert len(made) == 3, replies
        for reply in replies:
            if isinstance(reply, Refused):
                assert reply.code == "quota_exceeded"
                assert reply.details == {"limit": 3, "resource": "sessions"}
        assert isinstance(await _create_on(bus, "inst-b", tenant="t2"), Accepted)

        gone = DeleteSession(tenant="t1", session=made[0].session or "")
        assert isinstance(await d.command(gone), Accepted)
        assert isinstance(await _create_on(bus, "inst-a"), Accepted)  # a deleted one frees room
        again = await _create_on(bus, "inst-b")
        assert isinstance(again, Refused) and again.code == "quota_exceeded"

        locks = await bus.js.key_value(TENANT_LOCK_BUCKET)
        for tenant in ("t1", "t2"):  # every lock was given back
            try:
                await locks.get(tenant)
                raise AssertionError(f"the lock of {tenant} is still held")
            except (KeyDeletedError, KeyNotFoundError):
                pass
