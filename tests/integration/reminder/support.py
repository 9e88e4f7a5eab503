"""Helpers for the reminder tests: the command client, reading the log, the service in-process."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import msgspec
from nats.js.api import ConsumerConfig, DeliverPolicy

from contracts.codec import decode_event
from contracts.envelope import Envelope
from contracts.reminders import ReminderCommand, ReminderReply
from contracts.subjects import EVENTS_STREAM, event_filter, reminder_command_subject
from runtime.bus import Bus
from runtime.rpc import request
from runtime.settings import Settings
from services.reminder.bootstrap import run
from services.reminder.config import ReminderSettings
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.metrics import ReminderMetrics

_encoder = msgspec.json.Encoder()
_reply: msgspec.json.Decoder[ReminderReply] = msgspec.json.Decoder(ReminderReply)

FAST = ReminderSettings(
    min_spacing_s=0.01, jitter_s=0.005, per_minute=100_000, per_hour=100_000,
    backoff_base_s=0.05, backoff_max_s=0.2, outcome_timeout_s=3.0, lease_ttl_s=2.0,
)  # fmt: skip


class ShiftedClock(Clock):
    """Real time plus an offset the test can move forward (a jump, never a sleep)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset


def reminder_ids(found: list[Envelope]) -> list[str]:
    """The reminder id of each reminder event."""
    return [str(getattr(env.payload, "reminder_id", "")) for env in found]


def soon(seconds: float = 0.3) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def command(bus: Bus, cmd: ReminderCommand, timeout: float = 10) -> ReminderReply:
    data = await request(
        bus.nc, reminder_command_subject(cmd.tenant), _encoder.encode(cmd), timeout=timeout
    )
    return _reply.decode(data)


async def events(bus: Bus, event_type: str = ">", session: str = "*") -> list[Envelope]:
    """Every event of the log matching the filter, oldest first."""
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.ALL,
        filter_subject=event_filter(session=session, event_type=event_type),
        inactive_threshold=5,
    )
    info = await bus.js.stream_info(EVENTS_STREAM)
    if info.state.messages == 0:
        return []
    sub = await bus.js.pull_subscribe(
        config.filter_subject or ">", stream=EVENTS_STREAM, config=config
    )
    found: list[Envelope] = []
    try:
        pending = (await sub.consumer_info()).num_pending or 0
        while len(found) < pending:
            for msg in await sub.fetch(min(pending - len(found), 1000), timeout=5):
                found.append(decode_event(msg.data))
                await msg.ack()
    finally:
        await sub.unsubscribe()
    return found


@asynccontextmanager
async def reminder_service(
    settings: Settings,
    options: ReminderSettings = FAST,
    metrics: ReminderMetrics | None = None,
    instance: str = "main",
    clock: Clock | None = None,
) -> AsyncIterator[ReminderMetrics]:
    """The reminder service in this process, ready (serving commands) on entry."""
    stop, ready = asyncio.Event(), asyncio.Event()
    metrics = metrics or ReminderMetrics()
    settings = msgspec.structs.replace(settings, instance_id=instance)
    task = asyncio.create_task(run(settings, stop, options, clock, metrics, ready))
    try:
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait([task, waiter], timeout=20, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        assert ready.is_set(), "the reminder service did not become ready"
        yield metrics
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
