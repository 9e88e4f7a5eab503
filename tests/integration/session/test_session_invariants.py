"""The invariants of DESIGN.md, each against a real NATS server and the simulator."""

import asyncio

from contracts.commands import (
    Accepted,
    CreateSession,
    GetQr,
    PairSession,
    ReconnectSession,
    Refused,
    SendText,
)
from contracts.events import MessageReceived, MessageSendFailed, MessageSent, SessionDisconnected
from contracts.events.session import SendPacing
from contracts.ids import new_id
from contracts.simulator import (
    SimDrop,
    SimFailConnects,
    SimFailSends,
    SimIncoming,
    SimReceipt,
    SimScan,
)
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import Driver, fast, running_service

TO = "+201001234567"


async def test_one_live_client_per_session(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        before = await d.types(session)
        asks = [
            PairSession(tenant="t1", session=session)
            if i % 2
            else GetQr(tenant="t1", session=session)
            for i in range(100)
        ]
        replies = await asyncio.gather(*(d.command(a) for a in asks))
        assert {(type(r).__name__, getattr(r, "code", None)) for r in replies} == {
            ("Refused", "already_connected")
        }
        assert (await d.sent(session)).clients_created == 1
        assert await d.types(session) == before


async def test_pairing_twice_returns_the_current_qr_and_never_a_second_client(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        replies = await asyncio.gather(
            *(d.command(PairSession(tenant="t1", session=session)) for _ in range(20))
        )
        qrs = {r.qr for r in replies if isinstance(r, Accepted)}
        assert len(qrs) == 1 and None not in qrs, replies
        assert (await d.sent(session)).clients_created == 1
        assert (await d.types(session)).count("session.pairing_started") == 1


async def test_drops_are_retried_with_backoff_until_the_limit(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings, reconnect_max_attempts=2), bus):
        d = Driver(bus)
        session = await d.connected_session()
        for n in (1, 2):
            assert (await d.sim("drop", SimDrop(session=session, reason="network"))).ok
            await d.wait_for(session, "session.connected", count=n + 1)
        connects = (await d.sent(session)).connect_calls
        assert (await d.sim("drop", SimDrop(session=session, reason="keepalive"))).ok
        drops = await d.wait_for(session, "session.disconnected", count=3)
        payloads = [e.payload for e in drops]
        assert all(isinstance(p, SessionDisconnected) for p in payloads)
        assert [(p.attempt, p.will_retry) for p in payloads] == [(1, True), (2, True), (2, False)]  # type: ignore[union-attr]
        assert payloads[-1].needs_attention  # type: ignore[union-attr]
        refused = await d.command(SendText(tenant="t1", session=session, to=TO, text="x"))
        assert isinstance(refused, Refused) and refused.code == "not_connected"
        assert (await d.sent(session)).connect_calls == connects
        assert (await d.types(session)).count("session.connected") == 3


async def test_a_failed_reconnect_counts_as_an_attempt(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        assert (await d.sim("fail-connects", SimFailConnects(session=session, count=1))).ok
        assert (await d.sim("drop", SimDrop(session=session, reason="network"))).ok
        await d.wait_for(session, "session.connected", count=2)
        drops = [
            (e.payload.reason, e.payload.attempt, e.payload.will_retry)
            for e in await d.events(session)
            if isinstance(e.payload, SessionDisconnected)
        ]
        assert drops == [("network", 1, True), ("connect_failure", 2, True)]


async def test_logout_replaced_and_ban_are_never_retried(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        for reason, status in (("logout", "logout"), ("replaced", "replaced"), ("ban", "banned")):
            session = await d.connected_session()
            connects = (await d.sent(session)).connect_calls
            assert (await d.sim("drop", SimDrop(session=session, reason=reason))).ok  # type: ignore[arg-type]
            (out,) = await d.wait_for(session, "session.logged_out")
            assert out.payload.reason == status  # type: ignore[union-attr]
            reply = await d.command(PairSession(tenant="t1", session=session))
            assert isinstance(reply, Accepted)  # a person may pair again: a new client, by hand
            assert (await d.sent(session)).connect_calls == connects + 1
            assert "session.disconnected" not in await d.types(session)


async def test_nothing_is_sent_for_a_session_that_is_not_connected(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        reply = await d.command(SendText(tenant="t1", session=session, to=TO, text="x"))
        assert isinstance(reply, Refused) and reply.code == "not_connected"
        await d.command(PairSession(tenant="t1", session=session))
        reply = await d.command(SendText(tenant="t1", session=session, to=TO, text="x"))
        assert isinstance(reply, Refused) and reply.code == "not_connected"
        stats = await d.sent(session)
        assert stats.send_calls == 0 and stats.sent == []
        assert "message.queued" not in await d.types(session)


async def test_addresses_are_parsed_before_anything_is_sent(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        for bad, reason in (("abc", "not_an_address"), ("123@example.com", "unknown_server")):
            reply = await d.command(SendText(tenant="t1", session=session, to=bad, text="x"))
            assert isinstance(reply, Refused) and reply.code == "invalid_address"
            assert reply.details == {"reason": reason}
        ok = await d.command(SendText(tenant="t1", session=session, to="01001234567", text="x"))
        assert isinstance(ok, Accepted)
        (sent,) = await d.wait_for(session, "message.sent")
        assert sent.payload.chat_jid == "201001234567@s.whatsapp.net"  # type: ignore[union-attr]
        assert (await d.sent(session)).send_calls == 1


async def test_another_tenants_session_is_not_found(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        for cmd in (
            SendText(tenant="t2", session=session, to=TO, text="x"),
            PairSession(tenant="t2", session=session),
            GetQr(tenant="t2", session=session),
        ):
            reply = await d.command(cmd)
            assert isinstance(reply, Refused) and reply.code == "not_found", reply
        assert (await d.sent(session)).send_calls == 0


async def _paced_session(d: Driver, pacing: SendPacing) -> str:
    session = new_id()
    await d.command(CreateSession(tenant="t1", session=session, name="x", pacing=pacing))
    await d.command(PairSession(tenant="t1", session=session))
    await d.sim("scan", SimScan(session=session, phone="+201234567890"))
    await d.wait_for(session, "session.connected")
    return session


async def _burst(d: Driver, session: str, count: int) -> list[str]:
    ids = [new_id() for _ in range(count)]
    replies = await asyncio.gather(
        *(
            d.command(SendText(tenant="t1", session=session, to=TO, text=i, message_id=i))
            for i in ids
        )
    )
    assert all(isinstance(r, Accepted) for r in replies)
    return ids


async def test_a_burst_is_paced_and_none_is_lost(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        # Counted, not timed: a bucket of 5 that refills one token per 100 minutes lets the
        # burst of 5 go and holds the other 15 back (queued, each recorded).
        slow = await _paced_session(
            d, SendPacing(per_minute=0.01, burst=5, min_spacing_s=0, jitter_s=0)
        )
        held = await _burst(d, slow, 20)
        await d.wait_for(slow, "message.queued", count=20, timeout=30)
        await d.wait_for(slow, "message.sent", count=5, timeout=30)
        await asyncio.sleep(0.5)  # a sixth send the bucket does not allow would go out now
        sent = [e.payload for e in await d.events(slow) if e.type == "message.sent"]
        assert len(sent) == 5 and {p.message_id for p in sent} <= set(held)  # type: ignore[union-attr]
        assert len((await d.sent(slow)).sent) == 5
        fast_pacing = SendPacing(per_minute=3000, burst=5, min_spacing_s=0.01, jitter_s=0.005)
        session = await _paced_session(d, fast_pacing)
        ids = await _burst(d, session, 200)
        sent = await d.wait_for(session, "message.sent", count=200, timeout=30)
        assert sorted(e.payload.message_id for e in sent) == sorted(ids)  # type: ignore[union-attr]
        assert sorted(m.message_id for m in (await d.sent(session)).sent) == sorted(ids)


async def test_failed_sends_are_retried_with_the_same_id_then_final(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings, send_max_attempts=3), bus):
        d = Driver(bus)
        session = await d.connected_session()
        await d.sim("fail-sends", SimFailSends(session=session, count=2))
        first = await d.command(SendText(tenant="t1", session=session, to=TO, text="a"))
        assert isinstance(first, Accepted) and first.message_id
        await d.wait_for(session, "message.sent")
        await d.sim("fail-sends", SimFailSends(session=session, count=10))
        second = await d.command(SendText(tenant="t1", session=session, to=TO, text="b"))
        assert isinstance(second, Accepted) and second.message_id
        failures = await d.wait_for(session, "message.send_failed", count=5)
        steps = [
            (
                e.payload.message_id,
                type(e.payload).__name__,
                e.payload.attempt,
                getattr(e.payload, "will_retry", None),
            )
            for e in await d.events(session)
            if isinstance(e.payload, MessageSent | MessageSendFailed)
        ]
        a, b = first.message_id, second.message_id
        assert steps == [
            (a, "MessageSendFailed", 1, True),
            (a, "MessageSendFailed", 2, True),
            (a, "MessageSent", 3, None),
            (b, "MessageSendFailed", 1, True),
            (b, "MessageSendFailed", 2, True),
            (b, "MessageSendFailed", 3, False),
        ]
        assert len(failures) == 5
        assert [m.message_id for m in (await d.sent(session)).sent] == [a]
        assert (await d.sim("receipt", SimReceipt(session=session, message_id=a, status="read"))).ok
        (status,) = await d.wait_for(session, "message.status")
        assert status.payload.status == "read"  # type: ignore[union-attr]


async def test_old_messages_are_kept_and_flagged(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings, reconnect_max_attempts=0), bus):
        d = Driver(bus)
        session = await d.connected_session()
        sender = "+201001234567"
        await d.sim("incoming", SimIncoming(session=session, sender=sender, text="late", old=True))
        await d.sim("drop", SimDrop(session=session, reason="network"))
        await d.wait_for(session, "session.disconnected")  # needs_attention: no client now
        queued = await d.sim(
            "incoming", SimIncoming(session=session, sender=sender, text="offline")
        )
        assert queued.ok and queued.delivery == "queued"
        assert isinstance(await d.command(ReconnectSession(tenant="t1", session=session)), Accepted)
        received = await d.wait_for(session, "message.received", count=2)
        flags = [
            (e.payload.text, e.payload.is_old)
            for e in received
            if isinstance(e.payload, MessageReceived)
        ]
        assert flags == [("late", True), ("offline", True)]
