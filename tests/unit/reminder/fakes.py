"""The reminder's world in memory, part one: a fake clock, the log's publisher with a switch,
and a stand-in session service answering SendText on the in-memory request bus."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec

from contracts.commands import Accepted, CommandReply, Refused, SendText, SessionCommand
from contracts.envelope import make_event
from contracts.events import Event, MessageSendFailed, MessageSent
from runtime.eventlog import PublishFailed
from runtime.memory.eventlog import MemoryEventLog
from runtime.memory.requests import MemoryRequestBus
from runtime.messaging import Serving
from services.reminder.service_layer.clock import Clock

_decoder = msgspec.json.Decoder(SessionCommand)
_encoder = msgspec.json.Encoder()


class FakeClock(Clock):
    """Time moves only when told, or when someone sleeps (it jumps to the wake-up time)."""

    def __init__(self, start: datetime) -> None:
        self.at = start
        self.armed: datetime | None = None  # when the timer waits for, while it waits

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta

    def seconds(self) -> float:
        return self.at.timestamp()

    async def sleep_until(self, when: datetime, stop: asyncio.Event) -> None:
        self.at = max(self.at, when)
        await asyncio.sleep(0)

    async def wait_until(self, when: datetime, *events: asyncio.Event) -> None:
        """The timer waits for one of ``events`` (time moves only when the test says so)."""
        if when <= self.at:
            return
        self.armed = when
        waiters = [asyncio.ensure_future(event.wait()) for event in events]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.armed = None
            for waiter in waiters:
                waiter.cancel()


class LogPublisher:
    """The relay's ``RawPublisher`` on the in-memory log; ``down``: every publish fails."""

    def __init__(self, log: MemoryEventLog) -> None:
        self.log = log
        self.down = False

    async def publish_encoded(self, subject: str, data: bytes, *, msg_id: str) -> int:
        if self.down:
            raise PublishFailed(f"{subject} {msg_id}: the log is down (injected)")
        return await self.log.publish_encoded(subject, data, msg_id=msg_id)


@dataclass
class StandInSession:
    """Answers SendText as the session service does and logs the outcome (message.sent, or
    message.send_failed once ``fail_next`` is set); counts what reaches WhatsApp."""

    log: MemoryEventLog
    clock: FakeClock
    connected: dict[str, bool] = field(default_factory=dict)
    sends: list[SendText] = field(default_factory=list)
    fail_next: int = 0
    down_next: int = 0  # the next N sends are refused not_connected (its view, not the log's)
    known: set[str] = field(default_factory=set)
    _serving: Serving | None = None

    async def start(self, bus: MemoryRequestBus) -> None:
        self._serving = await bus.serve("wa.cmd.session.>", self._on, queue="session")

    async def stop(self) -> None:
        """Gone: requests find no responders."""
        if self._serving is not None:
            await self._serving.unsubscribe()

    async def publish(self, tenant: str, session: str, payload: Event) -> int:
        env = make_event(payload, tenant=tenant, session=session, occurred_at=self.clock.now())
        return await self.log.publish(env)

    async def _on(self, data: bytes) -> bytes:
        command = _decoder.decode(data)
        assert isinstance(command, SendText)
        return _encoder.encode(await self._send(command))

    async def _send(self, cmd: SendText) -> CommandReply:
        if self.down_next > 0 or not self.connected.get(cmd.session, False):
            self.down_next = max(self.down_next - 1, 0)
            return Refused(code="not_connected", message="the session is not connected")
        assert cmd.message_id is not None
        self.sends.append(cmd)
        if cmd.message_id in self.known:  # a retried command is a no-op, as the real one's
            return Accepted(message_id=cmd.message_id, status="queued")
        self.known.add(cmd.message_id)
        outcome: Event = MessageSent(message_id=cmd.message_id, chat_jid=cmd.to)
        if self.fail_next > 0:
            self.fail_next -= 1
            outcome = MessageSendFailed(message_id=cmd.message_id, chat_jid=cmd.to,
                                        error="boom", attempt=3, will_retry=False)  # fmt: skip
        await self.publish(cmd.tenant, cmd.session, outcome)
        return Accepted(message_id=cmd.message_id, status="queued")
