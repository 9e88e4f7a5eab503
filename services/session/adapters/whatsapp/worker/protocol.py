"""What the session service and a neonize worker process say to each other over its pipes.

Frames: a 4-byte big-endian length, then one msgspec-encoded message of one of two tagged
unions (service → worker, worker → service). Encoders and decoders are built once.
"""

import asyncio
from datetime import datetime
from typing import Literal

import msgspec
from msgspec import Struct

from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.events.message import DeliveryStatus
from contracts.events.session import LogoutReason, PairingFailureReason
from contracts.media import MediaDescriptor
from services.session.adapters.whatsapp.groups import GroupChange
from services.session.adapters.whatsapp.port import (
    ContactInfo,
    DropReason,
    IncomingMessage,
    Undecryptable,
)

__all__ = [
    "Call",
    "CallField",
    "Configure",
    "Die",
    "Event",
    "EventDone",
    "FromWorker",
    "Hang",
    "Op",
    "Open",
    "Ping",
    "Pong",
    "Reply",
    "Stats",
    "ToWorker",
    "read_frame",
    "write_frame",
]

Op = Literal[
    "connect", "pair_phone", "send_text", "send_media", "send_card", "send_action",
    "download_media", "logout", "disconnect", "forget", "stats", "group", "chat",
]  # fmt: skip
CallField = (  # what a Call's fields hold
    str | bytes | MediaDescriptor | Quote | Location | ContactCard | MessageRef | MessageAction
    | None
)  # fmt: skip
Failure = Literal[
    "send_failed", "pairing_failed", "capacity", "unknown_client", "error", "group_failed"
]  # fmt: skip


class Configure(Struct, frozen=True, kw_only=True, tag="configure"):
    data_dir: str
    db_url: str = ""
    device_name: str = "WA Platform"
    threads: int = 64
    reserve_threads: int = 8  # kept free for calls: no new client starts into them
    leaked_threads_max: int = 8  # stuck Go calls; past this no new connection starts here
    stop_wait_s: float = 5.0  # for a stopped client's Go call to return, else it is stuck
    registration_grace_s: float = 2.0  # a new client's Go call, with no sign yet: registered


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
    data: bytes = b""  # download_media: the handle; group, chat: the call (worker/group_calls.py,
    # worker/chat_calls.py)
    media: MediaDescriptor | None = None  # send_media: the file's descriptor…
    path: str = ""  # …and the local file holding its bytes (the service's; read, never kept)
    quote: Quote | None = None  # send_text, send_media, send_card: a reply
    location: Location | None = None  # send_card: one of these two
    contact: ContactCard | None = None
    target: MessageRef | None = None  # send_action
    action: MessageAction | None = None


class EventDone(Struct, frozen=True, kw_only=True, tag="event_done"):
    id: int


class Die(Struct, frozen=True, kw_only=True, tag="die"):
    """Ends the worker at once (``os._exit``): how tests crash one on purpose."""

    code: int = 70


class Hang(Struct, frozen=True, kw_only=True, tag="hang"):
    """Blocks the worker's event loop for good, the process alive: how tests hang one."""


class Ping(Struct, frozen=True, kw_only=True, tag="ping"):
    """The service's heartbeat; answered at once with a Pong of the same ``seq``."""

    seq: int


ToWorker = Configure | Open | Call | EventDone | Die | Hang | Ping


class Stats(Struct, frozen=True, kw_only=True):
    clients: int
    threads_in_use: int
    threads: int
    leaked_threads: int = 0  # Go calls of stopped clients that never returned


class Pong(Struct, frozen=True, kw_only=True, tag="pong"):
    seq: int
    leaked_threads: int = 0


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
        "group",
        "undecryptable",
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
    group: GroupChange | None = None
    undecryptable: Undecryptable | None = None


FromWorker = Reply | Event | Pong

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
