"""Failed sends are retried with backoff (same message id), then failed visibly; a reminder too
late to be useful fails as ``stale`` without touching WhatsApp."""

from datetime import timedelta

import aiohttp
import msgspec

from contracts.commands import Accepted
from contracts.envelope import Envelope
from contracts.events import ReminderDispatched, ReminderFailed, ReminderRetrying
from contracts.reminders import ScheduleReminder
from runtime.bus import Bus
from runtime.embedded_nats import free_port
from runtime.settings import Settings
from services.reminder.service_layer.metrics import ReminderMetrics
from tests.integration.reminder.standin import StandInSession
from tests.integration.reminder.support import (
    FAST,
    ShiftedClock,
    command,
    events,
    reminder_service,
    soon,
)
from tests.support.waiting import eventually

TO = "201234567890"


async def _one(bus: Bus, session: str = "s1", due: float = 0.2) -> str:
    reply = await command(bus, ScheduleReminder(
        tenant="t1", session=session, to=TO, text="hi", due_at=soon(due)))  # fmt: skip
    assert isinstance(reply, Accepted) and reply.reminder_ids
    return reply.reminder_ids[0]


async def test_no_answer_is_retried_with_backoff_and_the_same_message_id_then_sent(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    standin.silent_next = 2
    async with reminder_service(_quick(settings)):
        rid = await _one(bus)

        async def sent() -> bool:
            return len(await events(bus, "reminder.sent")) == 1

        await eventually(sent)
    calls = standin.sends("s1")
    assert [c.command.reminder_id for c in calls] == [rid] * 3
    assert len({c.command.message_id for c in calls}) == 1  # fixed before the first attempt
    dispatched = [e.payload for e in await events(bus, "reminder.dispatched")]
    assert [p.attempt for p in dispatched if isinstance(p, ReminderDispatched)] == [1, 2, 3]


async def test_after_max_attempts_the_reminder_fails_visibly(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    standin.silent_next = 100
    metrics = ReminderMetrics()
    port = free_port()
    options = msgspec.structs.replace(FAST, max_attempts=3, metrics_port=port)
    async with reminder_service(_quick(settings), options, metrics):
        await _one(bus)

        async def failed() -> list[Envelope]:
            return await events(bus, "reminder.failed")

        [event] = await eventually(failed)
        url = f"http://127.0.0.1:{port}/metrics"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            exposed = await resp.text()
        assert 'wa_reminders_failed_total{reason="send_failed"} 1.0' in exposed
    assert isinstance(event.payload, ReminderFailed)
    assert event.payload.reason.startswith("send_failed") and event.payload.attempts == 3
    assert len(standin.sends()) == 3 and await events(bus, "reminder.sent") == []
    retries = [e.payload for e in await events(bus, "reminder.retrying")]
    retried = [r for r in retries if isinstance(r, ReminderRetrying)]
    assert [r.attempt for r in retried] == [1, 2]  # each failed attempt but the last, logged
    assert all(r.reason.startswith("session_service_unavailable") for r in retried)
    value = metrics.registry.get_sample_value(
        "wa_reminders_failed_total", {"reason": "send_failed"}
    )
    assert value == 1.0


async def test_a_final_send_failure_fails_the_reminder_without_resending(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    """The session service retried already; the same message id again would be a no-op."""
    await standin.create("t1", "s1")
    await standin.connect("t1", "s1")
    standin.fail_next = 1
    async with reminder_service(settings):
        await _one(bus)

        async def failed() -> list[Envelope]:
            return await events(bus, "reminder.failed")

        [event] = await eventually(failed)
    assert isinstance(event.payload, ReminderFailed) and "boom" in event.payload.reason
    assert len(standin.sends()) == 1


def _quick(settings: Settings) -> Settings:
    """A stuck session service is noticed after 0.3 s instead of 5 s."""
    return msgspec.structs.replace(settings, request_timeout_s=0.3)


async def test_a_reminder_past_its_staleness_limit_fails_stale_and_is_never_sent(
    settings: Settings, bus: Bus, standin: StandInSession
) -> None:
    await standin.create("t1", "s1")  # never connected while it is due
    clock = ShiftedClock()
    async with reminder_service(settings, FAST, clock=clock):
        await _one(bus, due=0.2)

        async def deferred() -> bool:
            return len(await events(bus, "reminder.deferred")) == 1

        await eventually(deferred)
        clock.offset = timedelta(seconds=FAST.stale_after_s + 1)  # the session stays down
        await standin.connect("t1", "s1")

        async def failed() -> list[Envelope]:
            return await events(bus, "reminder.failed")

        [event] = await eventually(failed)
    assert isinstance(event.payload, ReminderFailed) and event.payload.reason == "stale"
    assert standin.sends() == []
