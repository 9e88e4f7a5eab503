"""A stand-in session service for the reminder tests: a real responder on the session command
subject (NATS request/reply) that records every SendText and publishes what the real one
would (session.*, message.sent / message.send_failed) to the real event log.

It keeps each session's connectivity, so it can count the WhatsApp calls that arrive while a
session is down (the number the reminder service must keep at zero)."""

import time
from dataclasses import dataclass, field

import msgspec
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from contracts.commands import Accepted, CommandReply, Refused, SendText, SessionCommand
from contracts.envelope import make_event
from contracts.events import (
    Event,
    MessageSendFailed,
    MessageSent,
    SessionConnected,
    SessionCreated,
    SessionDisconnected,
    SessionLoggedOut,
)
from runtime.bus import Bus

_decoder = msgspec.json.Decoder(SessionCommand)


_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class Call:
    at: float  # time.monotonic() when it arrived
    command: SendText
    connected: bool


@dataclass
class StandInSession:
    bus: Bus
    calls: list[Call] = field(default_factory=list)
    connected: dict[str, bool] = field(default_factory=dict)
    fail_next: int = 0  # the next N sends fail for good (message.send_failed, will_retry=False)
    silent_next: int = 0  # the next N sends get no answer at all (the service is stuck)
    known: set[str] = field(default_factory=set)  # message ids seen, as the real one keeps
    _sub: Subscription | None = None

    async def start(self) -> None:
        nc = self.bus.nc
        self._sub = await nc.subscribe("wa.cmd.session.>", queue="session", cb=self._answer)
        await nc.flush()

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()

    async def publish(self, tenant: str, session: str, payload: Event) -> int:
        return await self.bus.publisher.publish(make_event(payload, tenant=tenant, session=session))

    async def create(self, tenant: str, session: str) -> int:
        self.connected[session] = False
        return await self.publish(tenant, session, SessionCreated(name="test"))

    async def connect(self, tenant: str, session: str) -> int:
        self.connected[session] = True
        event = SessionConnected(phone_number="+201234567890", jid="201234567890@s.whatsapp.net")
        return await self.publish(tenant, session, event)

    async def disconnect(self, tenant: str, session: str) -> int:
        self.connected[session] = False
        event = SessionDisconnected(reason="network", will_retry=True)
        return await self.publish(tenant, session, event)

    async def log_out(self, tenant: str, session: str) -> int:
        self.connected[session] = False
        return await self.publish(tenant, session, SessionLoggedOut(reason="logout"))

    def sends(self, session: str | None = None) -> list[Call]:
        return [c for c in self.calls if session is None or c.command.session == session]

    def calls_while_down(self) -> int:
        return sum(1 for c in self.calls if not c.connected)

    async def _answer(self, msg: Msg) -> None:
        command = _decoder.decode(msg.data)
        reply: CommandReply | None = Refused(code="not_implemented", message="stand-in")
        if isinstance(command, SendText):
            reply = await self._send(command)
        if reply is not None:  # None: no reply at all, the asker waits out its timeout
            await msg.respond(_encoder.encode(reply))

    async def _send(self, cmd: SendText) -> CommandReply | None:
        up = self.connected.get(cmd.session, False)
        self.calls.append(Call(time.monotonic(), cmd, up))
        if self.silent_next > 0:
            self.silent_next -= 1
            return None
        if not up:
            return Refused(code="not_connected", message="the session is not connected")
        assert cmd.message_id is not None
        if cmd.message_id in self.known:  # like the real one: a retried command is a no-op
            return Accepted(message_id=cmd.message_id, status="queued")
        self.known.add(cmd.message_id)
        if self.fail_next > 0:
            self.fail_next -= 1
            failed = MessageSendFailed(
                message_id=cmd.message_id, chat_jid=cmd.to, error="boom", attempt=1,
                will_retry=False,
            )  # fmt: skip
            seq = await self.publish(cmd.tenant, cmd.session, failed)
            return Accepted(message_id=cmd.message_id, status="queued", sequence=seq)
        sent = MessageSent(message_id=cmd.message_id, chat_jid=cmd.to)
        seq = await self.publish(cmd.tenant, cmd.session, sent)
        return Accepted(message_id=cmd.message_id, status="sent", sequence=seq)
