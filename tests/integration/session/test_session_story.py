"""One session's whole story, checked event by event in the log."""

import pytest

from contracts.codec import encode_event
from contracts.commands import Accepted, PairSession, SendText
from contracts.events import ContactUpdated, MessageReceived, SessionDisconnected, SessionLoggedOut
from contracts.simulator import SimDrop, SimIncoming, SimReceipt, SimScan
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import PHONE, Driver, fast, running_service

OMAR = "+201001234567"
MONA_LID = "123456789012345@lid"
MONA_PHONE = "201009876543@s.whatsapp.net"
GROUP = "120363025246125486@g.us"


async def test_the_whole_story_of_a_session(
    settings: Settings, bus: Bus, capfd: pytest.CaptureFixture[str]
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        pair = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(pair, Accepted) and pair.qr and pair.qr_expires_at
        assert (await d.sim("scan", SimScan(session=session, phone=PHONE))).ok
        await d.wait_for(session, "session.connected")
        for incoming in (
            SimIncoming(session=session, sender=OMAR, text="phone", push_name="Omar"),
            SimIncoming(
                session=session,
                sender=MONA_LID,
                sender_phone=MONA_PHONE,
                text="lid",
                push_name="Mona",
            ),
            SimIncoming(session=session, sender=OMAR, text="group", group=GROUP, push_name="Omar"),
            SimIncoming(session=session, sender=OMAR, text="old", old=True, push_name="Omar"),
        ):
            reply = await d.sim("incoming", incoming)
            assert reply.ok and reply.error is None, reply
        sent = await d.command(SendText(tenant="t1", session=session, to=OMAR, text="hello"))
        assert isinstance(sent, Accepted) and sent.message_id
        await d.wait_for(session, "message.sent")
        receipt = SimReceipt(session=session, message_id=sent.message_id, status="delivered")
        assert (await d.sim("receipt", receipt)).ok
        assert (await d.sim("drop", SimDrop(session=session, reason="network"))).ok
        await d.wait_for(session, "session.connected", count=2)
        assert (await d.sim("drop", SimDrop(session=session, reason="logout"))).ok
        await d.wait_for(session, "session.logged_out")
        connects = (await d.sent(session)).connect_calls

        events = await d.events(session)
        assert [e.type for e in events] == [
            "session.created",
            "session.pairing_started",
            "session.connected",
            "message.received",
            "contact.updated",
            "message.received",
            "contact.updated",
            "message.received",
            "message.received",
            "message.queued",
            "message.sent",
            "message.status",
            "session.disconnected",
            "session.connected",
            "session.logged_out",
        ]
        got = [e.payload for e in events if isinstance(e.payload, MessageReceived)]
        assert [(m.text, m.is_group, m.is_old) for m in got] == [
            ("phone", False, False),
            ("lid", False, False),
            ("group", True, False),
            ("old", False, True),
        ]
        assert (got[1].sender_lid, got[1].sender_phone_jid) == (MONA_LID, MONA_PHONE)
        assert got[2].chat_jid == GROUP and got[2].sender_jid == "201001234567@s.whatsapp.net"
        contacts = [e.payload for e in events if isinstance(e.payload, ContactUpdated)]
        assert [(c.jid, c.lid, c.phone_number, c.push_name) for c in contacts] == [
            ("201001234567@s.whatsapp.net", None, OMAR, "Omar"),
            (MONA_PHONE, MONA_LID, "+201009876543", "Mona"),
        ]
        drop = events[12].payload
        assert (
            isinstance(drop, SessionDisconnected) and drop.reason == "network" and drop.will_retry
        )
        logout = events[-1].payload
        assert isinstance(logout, SessionLoggedOut) and logout.reason == "logout"
        assert events[2].payload.phone_number == PHONE  # type: ignore[union-attr]
        stats = await d.sent(session)
        assert stats.connect_calls == connects and not stats.connected
        assert [m.message_id for m in stats.sent] == [sent.message_id]
        assert stats.clients_created == 1  # reconnecting reuses the client and its handlers
        logs = capfd.readouterr()
        assert "whatsapp.connect" in logs.out + logs.err  # every access to WhatsApp is logged
        assert pair.qr not in logs.out + logs.err  # and no QR code, ever
        assert not any(pair.qr.encode() in encode_event(e) for e in events)
