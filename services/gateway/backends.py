"""Typed clients of the other services over NATS request/reply; failures become API errors."""

from typing import TypeVar

import msgspec
from nats.aio.client import Client

from contracts.commands import Accepted, CommandReply, Refused, SessionCommand
from contracts.queries import GetSession, Query, QueryReply
from contracts.reminders import ReminderCommand, ReminderReply
from contracts.subjects import query_subject, reminder_command_subject, session_command_subject
from runtime.rpc import BackendUnavailable, request
from services.gateway.errors import ApiError

__all__ = ["Backends"]

V = TypeVar("V")
_encoder = msgspec.json.Encoder()
_command_reply: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)
_reminder_reply: msgspec.json.Decoder[ReminderReply] = msgspec.json.Decoder(ReminderReply)
_query_reply: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)


class Backends:
    """The session service (commands), the reminder service (commands), the store (queries)."""

    def __init__(self, nc: Client, timeout: float) -> None:
        self.nc = nc
        self.timeout = timeout

    async def _call(self, subject: str, payload: object, decoder: msgspec.json.Decoder[V]) -> V:
        data = await request(self.nc, subject, _encoder.encode(payload), timeout=self.timeout)
        try:
            return decoder.decode(data)
        except msgspec.DecodeError as exc:
            raise BackendUnavailable(f"unreadable reply on {subject}: {exc}") from exc

    async def command(self, cmd: SessionCommand) -> CommandReply:
        subject = session_command_subject(cmd.tenant, cmd.session)
        return await self._call(subject, cmd, _command_reply)

    async def reminder(self, cmd: ReminderCommand) -> ReminderReply:
        return await self._call(reminder_command_subject(cmd.tenant), cmd, _reminder_reply)

    async def query(self, q: Query) -> QueryReply:
        return await self._call(query_subject("store"), q, _query_reply)

    async def accept(self, cmd: SessionCommand) -> Accepted:
        """Send a session command; a refusal becomes the ApiError of its code."""
        return _accepted(await self.command(cmd))

    async def answer(self, cmd: SessionCommand, kind: type[V]) -> V:
        """Send a session command that answers with ``kind``; a refusal becomes its ApiError."""
        reply = await self.command(cmd)
        if isinstance(reply, Refused):
            raise ApiError.from_refusal(reply)
        if not isinstance(reply, kind):
            raise BackendUnavailable(f"the session service answered {type(reply).__name__}")
        return reply

    async def accept_reminder(self, cmd: ReminderCommand) -> Accepted:
        return _accepted(await self.reminder(cmd))

    async def read(self, q: Query, kind: type[V]) -> V:
        """Ask the store; a refusal becomes its ApiError, any other shape a 503."""
        reply = await self.query(q)
        if isinstance(reply, Refused):
            raise ApiError.from_refusal(reply)
        if not isinstance(reply, kind):
            raise BackendUnavailable(f"the store answered {type(reply).__name__}")
        return reply

    async def caught_up(self, tenant: str, session: str, sequence: int | None) -> None:
        """Best effort: let the store apply ``sequence`` so the caller's next read sees it."""
        if sequence:
            await self.query(GetSession(tenant=tenant, session=session, min_sequence=sequence))


def _accepted(reply: CommandReply | ReminderReply) -> Accepted:
    if isinstance(reply, Refused):
        raise ApiError.from_refusal(reply)
    if not isinstance(reply, Accepted):
        raise BackendUnavailable(f"expected Accepted, the service answered {type(reply).__name__}")
    return reply
