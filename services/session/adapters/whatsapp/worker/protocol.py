"""What the session service and a neonize worker process say to each other over its pipes.

Frames: a 4-byte big-endian length, then one msgspec-encoded message of one of two tagged
unions (service → worker, worker → service). Encoders and decoders are built once.
"""

import asyncio
from datetime import datetime
from typing import Literal

import msgspec
from msgspec import Struct

from contracts.events.message import DeliveryStatus
from contracts.events.session import LogoutReason, PairingFailureReason
from services.session.adapters.whatsapp.port import ContactInfo, DropReason, IncomingMessage

__all__ = [
    "Call",
    "Configure",
    "Die",
    "Event",
    "EventDone",
    "FromWorker",
    "Op",
    "Open",
    "Reply",
    "Stats",
    "ToWorker",
    "read_frame",
    "write_frame",
]

Op = Literal[
    "connect", "pair_phone", "send_text", "download_media", "logout", "disconnect", "forget",
    "stats", "chat",
]  # fmt: skip
Failure = Literal["send_failed", "pairing_failed", "capacity", "unknown_client", "error"]


class Configure(Struct, frozen=True, kw_only=True, tag="configure"):
    data_dir: str
    db_url: str = ""
    device_name: str = "WA Platform"
    threads: int = 64
    reserve_threads: int = 8  # kept free for calls: no new client starts into them


class Open(Struct, frozen=True, kw_only=True, tag="open"):
    client: int
    tenant: str
    session: str


class Call(Struct, frozen=True, kw_only=True, tag="call"):
    id: int
    client: int
    op: Op
    phone: str = ""
    chat_jid: str = ""
    text: str = ""
    message_id: str = ""
    data: bytes = b""  # download_media: the handle; chat: the call (worker.chat_calls)


class EventDone(Struct, frozen=True, kw_only=True, tag="event_done"):
    id: int


class Die(Struct, frozen=True, kw_only=True, tag="die"):
    """Ends the worker at once (``os._exit``): how tests crash one on purpose."""

    code: int = 70


ToWorker = Configure | Open | Call | EventDone | Die


class Stats(Struct, frozen=True, kw_only=True):
    clients: int
    threads_in_use: int
    threads: int


class Reply(Struct, frozen=True, kw_only=True, tag="reply"):
    id: int
    ok: bool
    value: str = ""
    stats: Stats | None = None
    failure: Failure = "error"
    error: str = ""
    retryable: bool = True
    data: bytes = b""  # download_media: the file


class Event(Struct, frozen=True, kw_only=True, tag="event"):
    """One ClientEvents call of one client; acknowledged with EventDone once handled."""

    id: int
    client: int
    kind: Literal[
        "qr",
        "connected",
        "dropped",
        "logged_out",
        "pairing_failed",
        "message",
        "receipt",
        "contact",
    ]
    code: str = ""
    expires_at: datetime | None = None
    jid: str = ""
    push_name: str | None = None
    drop: DropReason | None = None
    logout: LogoutReason | None = None
    pairing: PairingFailureReason | None = None
    detail: str | None = None
    message: IncomingMessage | None = None
    chat_jid: str = ""
    message_ids: list[str] = []
    status: DeliveryStatus | None = None
    contact: ContactInfo | None = None


FromWorker = Reply | Event

_encoder = msgspec.msgpack.Encoder()
to_worker = msgspec.msgpack.Decoder(ToWorker)
from_worker = msgspec.msgpack.Decoder(FromWorker)


def write_frame(writer: asyncio.StreamWriter, message: ToWorker | FromWorker) -> None:
    body = _encoder.encode(message)
    writer.write(len(body).to_bytes(4, "big") + body)


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """One frame's body; None at the end of the stream (the other side is gone)."""
    try:
        head = await reader.readexactly(4)
        return await reader.readexactly(int.from_bytes(head, "big"))
    except asyncio.IncompleteReadError:
        return None
