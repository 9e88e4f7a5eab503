"""Two session-service instances on one NATS: one runs the session, the other forwards to it,
and takes it over once the first stops and its lease expires."""

from contextlib import AsyncExitStack

from contracts.commands import Accepted, SendText
from contracts.ids import new_id
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.adapters.leases import LEASE_BUCKET
from tests.integration.session.harness import Driver, fast, running_service

TO = "+201001234567"


async def test_one_instance_runs_a_session_and_the_other_takes_over(
    settings: Settings, bus: Bus
) -> None:
    a = fast(settings, instance_id="inst-a", lease_ttl_s=2.0)
    b = fast(settings, instance_id="inst-b", lease_ttl_s=2.0)
    d = Driver(bus)
    async with AsyncExitStack() as second:
        async with AsyncExitStack() as first:
            await first.enter_async_context(running_service(a, bus))
            session = await d.connected_session()  # only a is running: a holds it
            await second.enter_async_context(running_service(b, bus))
            kv = await bus.js.key_value(LEASE_BUCKET)
            assert (await kv.get(session)).value == b"inst-a"
            ids = [new_id() for _ in range(20)]
            for i in ids:  # each lands on either instance; b forwards to a
                cmd = SendText(tenant="t1", session=session, to=TO, text=i, message_id=i)
                assert isinstance(await d.command(cmd), Accepted)
            await d.wait_for(session, "message.sent", count=20)
            assert (await d.sent(session)).clients_created == 1  # asked through either one
        await d.wait_for(session, "session.connected", count=2, timeout=15)  # b took over
        assert (await kv.get(session)).value == b"inst-b"
        last = SendText(tenant="t1", session=session, to=TO, text="after", message_id="after")
        assert isinstance(await d.command(last), Accepted)
        sent = await d.wait_for(session, "message.sent", count=21)
        assert sorted(e.payload.message_id for e in sent) == sorted([*ids, "after"])  # type: ignore[union-attr]
        assert [m.message_id for m in (await d.sent(session)).sent][-1] == "after"
