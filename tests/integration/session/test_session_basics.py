"""Commands against a real session service and NATS server, with the simulator."""

from contracts.commands import Accepted, SendText
from contracts.simulator import SimIncoming
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import Driver, fast, running_service


async def test_create_pair_scan_send_receive(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        reply = await d.command(
            SendText(tenant="t1", session=session, to="+201001234567", text="hi")
        )
        assert isinstance(reply, Accepted) and reply.message_id, reply
        await d.wait_for(session, "message.sent")
        sent = await d.sent(session)
        assert [m.message_id for m in sent.sent] == [reply.message_id]
        got = await d.sim(
            "incoming",
            SimIncoming(session=session, sender="+201001234567", text="yo", push_name="Omar"),
        )
        assert got.ok and got.error is None, got
        await d.wait_for(session, "message.received")
        assert await d.types(session) == [
            "session.created",
            "session.pairing_started",
            "session.connected",
            "message.queued",
            "message.sent",
            "message.received",
            "contact.updated",
        ]
