"""The outbox and the session's lock: WhatsApp's call runs without it, so the session's
commands are answered while a large file uploads; the outcome is recorded when the call
returns, in the order of the sends, and not at all for a session deleted meanwhile."""

import asyncio

from contracts.events import SessionDeleted
from tests.integration.session.taken import Taken, taken
from tests.support.waiting import eventually

__all__ = ["taken"]  # the fixture


def logged(taken: Taken) -> list[tuple[str, str]]:
    return [
        (e.type, getattr(e.payload, "message_id", ""))
        for e in taken.log.events
        if e.type.startswith("message.")
    ]


async def test_commands_are_answered_while_whatsapp_takes_a_send(taken: Taken) -> None:
    started, done = taken.slow_sends()
    await taken.queue("m1")
    await taken.sending(started)
    async with asyncio.timeout(5):  # a deadline, so the old behaviour fails instead of hanging
        await taken.queue("m2")  # it needs the lock: free while m1 is out
    done.set()

    async def both_sent() -> bool:
        return len([kind for kind, _ in logged(taken) if kind == "message.sent"]) == 2

    await eventually(both_sent, timeout=5, interval=0.01)
    assert logged(taken) == [
        ("message.queued", "m1"),
        ("message.queued", "m2"),
        ("message.sent", "m1"),
        ("message.sent", "m2"),
    ]


async def test_a_send_that_returns_after_the_session_was_deleted_records_nothing(
    taken: Taken,
) -> None:
    started, done = taken.slow_sends()
    await taken.queue("m1")
    await taken.sending(started)
    async with taken.rt.lock:
        await taken.core.append(taken.rt, [SessionDeleted()])
    done.set()
    outbox = taken.rt.outbox_task
    assert outbox is not None

    async def ended() -> bool:
        return outbox.done()

    await eventually(ended, timeout=5, interval=0.01)  # a deleted session's outbox ends
    assert logged(taken) == [("message.queued", "m1")]
