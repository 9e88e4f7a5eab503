"""Chat actions across the worker pipe: one ``chat`` call whose ``data`` is one of these
(msgpack), answered with the encoded result in the reply's ``data``."""

from datetime import datetime

import msgspec
from msgspec import Struct

from contracts.chat_commands import NumberCheck, PresenceState
from services.session.adapters.whatsapp.port import SendFailed, WhatsAppClient
from services.session.adapters.whatsapp.worker.process import WorkerGone, WorkerProcess

__all__ = ["WorkerChatCalls", "run_chat_call"]


class MarkRead(Struct, frozen=True, kw_only=True, tag="mark_read"):
    chat_jid: str
    sender_jid: str | None
    message_ids: list[str]
    read_at: datetime


class Presence(Struct, frozen=True, kw_only=True, tag="presence"):
    chat_jid: str
    state: PresenceState


class Check(Struct, frozen=True, kw_only=True, tag="check"):
    phones: list[str]


class Picture(Struct, frozen=True, kw_only=True, tag="picture"):
    jid: str


ChatCall = MarkRead | Presence | Check | Picture
_encoder = msgspec.msgpack.Encoder()
_calls = msgspec.msgpack.Decoder(ChatCall)
_checks = msgspec.msgpack.Decoder(list[NumberCheck])
_picture: msgspec.msgpack.Decoder[bytes | None] = msgspec.msgpack.Decoder(bytes | None)


async def run_chat_call(client: WhatsAppClient, data: bytes) -> bytes:
    """In the worker: run one chat call on the client, the result encoded."""
    match _calls.decode(data):
        case MarkRead() as c:
            await client.mark_read(
                chat_jid=c.chat_jid,
                sender_jid=c.sender_jid,
                message_ids=c.message_ids,
                read_at=c.read_at,
            )
            return b""
        case Presence() as c:
            await client.send_presence(chat_jid=c.chat_jid, state=c.state)
            return b""
        case Check() as c:
            return _encoder.encode(await client.check_numbers(c.phones))
        case Picture() as c:
            return _encoder.encode(await client.profile_picture(c.jid))
    raise ValueError("unknown chat call")


class WorkerChatCalls:
    """The chat part of the service-side WorkerClient (a mixin): only while open in a worker."""

    id: int
    worker: WorkerProcess | None

    async def _chat(self, call: ChatCall) -> bytes:
        worker = self.worker
        if worker is None or not worker.alive:
            raise SendFailed("not connected", retryable=True)
        try:
            reply = await worker.call(self.id, "chat", data=_encoder.encode(call))
        except WorkerGone as exc:
            raise SendFailed(str(exc), retryable=True) from exc
        if not reply.ok:
            raise SendFailed(reply.error, retryable=reply.retryable)
        return reply.data

    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None:
        await self._chat(
            MarkRead(
                chat_jid=chat_jid, sender_jid=sender_jid, message_ids=message_ids, read_at=read_at
            )
        )

    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None:
        await self._chat(Presence(chat_jid=chat_jid, state=state))

    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        return _checks.decode(await self._chat(Check(phones=phones)))

    async def profile_picture(self, jid: str) -> bytes | None:
        return _picture.decode(await self._chat(Picture(jid=jid)))
