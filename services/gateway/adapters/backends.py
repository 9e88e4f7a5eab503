"""Typed clients of the other services over NATS request/reply; failures become API errors."""

from typing import TypeVar

import msgspec
from nats.aio.client import Client

from contracts.commands import Accepted, CommandReply, Refused, SessionCommand
from contracts.queries import GetSession, Query, QueryReply
from contracts.reminders import ReminderCommand, ReminderReply
from contracts.subjects import (
    query_subject,
    reminder_command_subject,
    session_command_subject,
    webhooks_subject,
)
from contracts.webhooks import WebhookReply, WebhookRequest
from runtime.requester import Requester
from runtime.rpc import BackendUnavailable
from services.gateway.http.errors import ApiError

__all__ = ["Backends"]

V = TypeVar("V")
_encoder = msgspec.json.Encoder()
_command_reply: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)
_reminder_reply: msgspec.json.Decoder[ReminderReply] = msgspec.json.Decoder(ReminderReply)
_query_reply: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)
_webhook_reply: msgspec.json.Decoder[WebhookReply] = msgspec.json.Decoder(WebhookReply)


class Backends:
    """The session service (commands), the reminder service (commands), the store (queries),
    the webhooks service (its requests)."""

    def __init__(self, nc: Client, timeout: float) -> None:
        self.nc = nc
        self.timeout = timeout
        self._requests = Requester(nc)

    async def _call(self, subject: str, payload: object, decoder: msgspec.json.Decoder[V]) -> V:
        data = await self._requests.request(subject, _encoder.encode(payload), timeout=self.timeout)
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

    async def webhook(self, request: WebhookRequest, kind: type[V]) -> V:
        """Ask the webhooks service; a refusal becomes its ApiError, any other shape a 503."""
        reply = await self._call(webhooks_subject(), request, _webhook_reply)
        return _expected(reply, kind, "the webhooks service")

    async def accept(self, cmd: SessionCommand) -> Accepted:
        """Send a session command; a refusal becomes the ApiError of its code."""
        return _accepted(await self.command(cmd))

    async def answer(self, cmd: SessionCommand, kind: type[V]) -> V:
        """Send a session command that answers with ``kind``; a refusal becomes its ApiError."""
        return _expected(await self.command(cmd), kind, "the session service")

    async def accept_reminder(self, cmd: ReminderCommand) -> Accepted:
        return _accepted(await self.reminder(cmd))

    async def read(self, q: Query, kind: type[V]) -> V:
        """Ask the store; a refusal becomes its ApiError, any other shape a 503."""
        return _expected(await self.query(q), kind, "the store")

    async def read_json(self, q: Query, kind: type[msgspec.Struct], *, untagged: bool) -> bytes:
        """The store's reply to ``q`` as the client gets it, undecoded when it is framed as
        ``kind`` (see ``passed_on``); ``untagged``: without the tag (a page)."""
        subject, timeout = query_subject("store"), self.timeout
        data = await self._requests.request(subject, _encoder.encode(q), timeout=timeout)
        body = passed_on(data, kind, untagged=untagged)
        if body is not None:
            return body
        try:
            reply = _query_reply.decode(data)
        except msgspec.DecodeError as exc:
            raise BackendUnavailable(f"unreadable reply of the store: {exc}") from exc
        if isinstance(reply, Refused):
            raise ApiError.from_refusal(reply)
        if not isinstance(reply, kind):
            raise BackendUnavailable(f"the store answered {type(reply).__name__}")
        return _untagged(reply) if untagged else _encoder.encode(reply)

    async def caught_up(self, tenant: str, session: str, sequence: int | None) -> None:
        """Best effort: let the store apply ``sequence`` so the caller's next read sees it."""
        if sequence:
            await self.query(GetSession(tenant=tenant, session=session, min_sequence=sequence))


def passed_on(data: bytes, kind: type[msgspec.Struct], *, untagged: bool) -> bytes | None:
    """The client's body from a reply that begins with ``kind``'s tag, without decoding it;
    None for any other reply (a refusal, or one framed otherwise)."""
    prefix = _prefixes.get(kind)
    if prefix is None:
        prefix = _prefixes[kind] = b'{"type":"%s",' % str(kind.__struct_config__.tag).encode()
    if not data.startswith(prefix):
        return None
    if not untagged:
        return data
    return b"".join((b"{", memoryview(data)[len(prefix) :]))  # one copy of the page, not two


_prefixes: dict[type[msgspec.Struct], bytes] = {}


def _untagged(value: msgspec.Struct) -> bytes:
    return _encoder.encode(msgspec.structs.asdict(value))


def _expected(reply: object, kind: type[V], who: str) -> V:
    if isinstance(reply, Refused):
        raise ApiError.from_refusal(reply)
    if not isinstance(reply, kind):
        raise BackendUnavailable(f"{who} answered {type(reply).__name__}")
    return reply


def _accepted(reply: CommandReply | ReminderReply) -> Accepted:
    if isinstance(reply, Refused):
        raise ApiError.from_refusal(reply)
    if not isinstance(reply, Accepted):
        raise BackendUnavailable(f"expected Accepted, the service answered {type(reply).__name__}")
    return reply
