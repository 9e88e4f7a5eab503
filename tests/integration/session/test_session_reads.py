"""Read receipts in the session service (real NATS, the simulator): a burst released at once
is spread by the pacer like sends; an accepted receipt is in the log before the answer, and
the pacer holding it back across a stop does not lose it: after a restart, or on the
instance that took the session over, it reaches WhatsApp once and ``chat.read`` is appended
once."""

import asyncio
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime

from contracts.chat_commands import MarkChatRead, ReadRef
from contracts.commands import Accepted
from contracts.events.session import SendPacing
from contracts.simulator_chats import SimChatActions, SimChatActionsReply
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import Driver, fast, running_service
from tests.integration.session.test_session_invariants import _paced_session

PEER = "201000000001@s.whatsapp.net"
HELD = SendPacing(per_minute=0.01, burst=5, min_spacing_s=0, jitter_s=0)  # 5 now, then 100 min


async def _read(d: Driver, session: str, message_id: str) -> str | None:
    ref = ReadRef(message_id=message_id, sender_jid=PEER, sent_at=datetime.now(UTC))
    reply = await d.command(MarkChatRead(tenant="t1", session=session, chat_jid=PEER,
                                         messages=[ref]))  # fmt: skip
    assert isinstance(reply, Accepted), reply
    return reply.status


async def _receipts_sent(d: Driver, session: str) -> list[str]:
    reply = await d._sim("chat-actions", SimChatActions(session=session), SimChatActionsReply)
    return [i for a in reply.actions if a.kind == "read" for i in a.message_ids]


async def test_queued_receipts_survive_a_restart_and_none_is_sent_twice(
    settings: Settings, bus: Bus
) -> None:
    ids = [f"in{n}" for n in range(6)]
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await _paced_session(d, HELD)
        for message_id in ids:  # 5 go at once, the sixth waits for the pacer
            assert await _read(d, session, message_id) == "queued"
        await d.wait_for(session, "chat.read_queued", count=6)
        await d.wait_for(session, "chat.read", count=5)
        assert await _read(d, session, ids[-1]) == "nothing_to_read"  # queued already
        assert sorted(await _receipts_sent(d, session)) == ids[:5]
    async with running_service(fast(settings), bus):  # a fresh bucket: the sixth goes now
        done = await d.wait_for(session, "chat.read", count=6, timeout=30)
        read = Counter(i for e in done for i in e.payload.message_ids)  # type: ignore[union-attr]
        assert read == Counter(ids)  # each recorded once
        assert len({e.id for e in done}) == 6
        assert Counter(await _receipts_sent(d, session)) == Counter(ids)  # each sent once
        assert await _read(d, session, ids[-1]) == "queued"  # sent: it may be marked again


async def test_another_instance_sends_the_receipts_it_took_over_once(
    settings: Settings, bus: Bus
) -> None:
    a = fast(settings, instance_id="inst-a", lease_ttl_s=2.0)
    b = fast(settings, instance_id="inst-b", lease_ttl_s=2.0)
    d, ids = Driver(bus), [f"in{n}" for n in range(6)]
    async with AsyncExitStack() as second:
        async with AsyncExitStack() as first:
            await first.enter_async_context(running_service(a, bus))
            session = await _paced_session(d, HELD)  # only a is running: a holds it
            await second.enter_async_context(running_service(b, bus))
            for message_id in ids:  # each lands on either instance; b forwards to a
                assert await _read(d, session, message_id) == "queued"
            await d.wait_for(session, "chat.read", count=5)
        await d.wait_for(session, "session.connected", count=2, timeout=15)  # b took over
        done = await d.wait_for(session, "chat.read", count=6, timeout=30)
        assert Counter(i for e in done for i in e.payload.message_ids) == Counter(ids)  # type: ignore[union-attr]
        assert Counter(await _receipts_sent(d, session)) == Counter(ids)


async def test_a_burst_of_receipts_is_spread_by_the_pacer(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        # At 6000 a minute (one per 10 ms) after a burst of 5, 100 receipts cannot span less
        # than 95 x 10 ms; the figure is printed (pytest -s) for the note.
        rate = SendPacing(per_minute=6000, burst=5, min_spacing_s=0, jitter_s=0)
        session = await _paced_session(d, rate)
        ids = [f"in{n}" for n in range(100)]
        replies = await asyncio.gather(*(_read(d, session, i) for i in ids))
        assert set(replies) == {"queued"}
        done = await d.wait_for(session, "chat.read", count=100, timeout=60)
        assert Counter(i for e in done for i in e.payload.message_ids) == Counter(ids)  # type: ignore[union-attr]
        times = sorted(e.occurred_at for e in done)
        span = (times[-1] - times[0]).total_seconds()
        print(f"100 read receipts released at once, paced at 6000/min, burst 5: {span:.2f} s")
        assert span >= 95 * 0.01 * 0.9  # a lower bound: only the pacer sets it
        assert Counter(await _receipts_sent(d, session)) == Counter(ids)
