"""Chat commands on the session service through NATS, with a slow pacer: a lookup whose slot
is far off is refused with when to retry (nothing asked of WhatsApp), cached answers need no
slot, and a read receipt already queued is not queued again."""

from datetime import UTC, datetime

from contracts.chat_commands import (
    CheckNumbers,
    MarkChatRead,
    NumbersChecked,
    ReadRef,
    SetSessionOptions,
)
from contracts.commands import Accepted, Refused, SendText
from contracts.simulator_chats import SimChatActions, SimChatActionsReply, SimNumber, SimNumbers
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import Driver, fast, running_service

SLOW = {"send_per_minute": 1.0, "send_burst": 1, "send_min_spacing_s": 0.0, "send_jitter_s": 0.0}
PEER = "+201000000041"


async def test_slow_pacing_refuses_far_lookups_and_keeps_one_receipt_per_message(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings, **SLOW), bus):
        d = Driver(bus)
        session = await d.connected_session()
        await d.sim("numbers", SimNumbers(session=session, numbers=[SimNumber(phone=PEER)]))
        first = await d.command(CheckNumbers(tenant="t1", session=session, phones=[PEER]))
        assert isinstance(first, NumbersChecked) and first.results[0].on_whatsapp
        cached = await d.command(CheckNumbers(tenant="t1", session=session, phones=[PEER]))
        assert cached == first  # from the cache: no slot needed
        far = await d.command(CheckNumbers(tenant="t1", session=session, phones=["+201000000042"]))
        assert isinstance(far, Refused) and far.code == "rate_limited"
        assert 3 < int(far.details["retry_after_s"]) <= 61  # the next slot: a minute off

        ref = ReadRef(message_id="in1", sent_at=datetime.now(UTC))
        read = MarkChatRead(tenant="t1", session=session, chat_jid="201000000041@s.whatsapp.net",
                            messages=[ref])  # fmt: skip
        queued = await d.command(read)
        assert isinstance(queued, Accepted) and queued.status == "queued"
        again = await d.command(read)  # its slot is a minute off: the retry adds nothing
        assert isinstance(again, Accepted) and again.status == "nothing_to_read"

        reply = await d._sim("chat-actions", SimChatActions(session=session), SimChatActionsReply)
        assert [a.kind for a in reply.actions] == ["check"]  # one lookup reached WhatsApp


async def test_a_reminders_send_shows_typing_first_when_the_session_asks(
    settings: Settings, bus: Bus
) -> None:
    typing = {"typing_base_s": 0.01, "typing_per_char_s": 0.0, "typing_max_s": 0.05}
    async with running_service(fast(settings, **typing), bus):
        d = Driver(bus)
        session = await d.connected_session()
        options = SetSessionOptions(tenant="t1", session=session, typing_before_send=True)
        assert isinstance(await d.command(options), Accepted)
        await d.wait_for(session, "session.options_changed")
        send = SendText(tenant="t1", session=session, to=PEER, text="Your visit is at 10",
                        reminder_id="r1", message_id="rem-r1")  # fmt: skip
        assert isinstance(await d.command(send), Accepted)
        (sent,) = await d.wait_for(session, "message.sent")
        reply = await d._sim("chat-actions", SimChatActions(session=session), SimChatActionsReply)
        presence = [(a.kind, a.chat_jid, a.state) for a in reply.actions]
        assert presence == [("presence", "201000000041@s.whatsapp.net", "composing")]
        assert reply.actions[0].at <= sent.occurred_at  # shown before the send went out
