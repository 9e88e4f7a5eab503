"""A media send crosses to the worker as its descriptor and the path of its bytes (never the
bytes), and the worker hands both (and the quote, when a reply) to its client's send_media."""

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from contracts.chat_commands import NumberCheck, PresenceState
from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.media import MediaDescriptor
from services.session.adapters.whatsapp.port import (
    DownloadFailed,
    OutgoingMedia,
    SendFailed,
    WhatsAppClient,
)
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.host import WorkerHost

DOC = MediaDescriptor(kind="document", mime="application/pdf", size=9, sha256="ab",
                      filename="r.pdf", caption="Q3", upload_id="u1")  # fmt: skip


class SendingClient(WhatsAppClient):
    """The worker's neonize client, as far as send_media goes."""

    def __init__(self, fail: SendFailed | None = None) -> None:
        self.sends: list[tuple[str, OutgoingMedia, str, Quote | None]] = []
        self.fail = fail

    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        self.sends.append((chat_jid, media, message_id, quote))
        if self.fail is not None:
            raise self.fail

    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None: ...  # fmt: skip
    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None: ...

    async def connect(self) -> None: ...
    async def pair_phone(self, phone: str) -> str:
        return ""

    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None: ...
    async def download_media(self, *, media_ref: bytes) -> bytes:
        raise DownloadFailed("no")

    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None: ...
    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None: ...
    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        return []

    async def profile_picture(self, jid: str) -> bytes | None:
        return None

    async def logout(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def forget(self) -> None: ...


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[tuple[WorkerHost, asyncio.StreamReader]]:
    read_fd, write_fd = os.pipe()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(write_fd, "wb")
    )
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    reader = asyncio.StreamReader()
    read_transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb")
    )
    yield WorkerHost(p.Configure(data_dir=str(tmp_path)), writer), reader
    transport.close()
    read_transport.close()


QUOTE = Quote(message_id="in1", sender_jid="2012@s.whatsapp.net", text="the report?")


def send_call(call_id: int, quote: Quote | None = None) -> p.Call:
    return p.Call(id=call_id, client=7, op="send_media", chat_jid="2012@s.whatsapp.net",
                  message_id="m1", media=DOC, path="/tmp/wa-send-x", quote=quote)  # fmt: skip


def test_the_call_carries_the_descriptor_and_path_through_the_pipe_encoding() -> None:
    for call in (send_call(1), send_call(2, QUOTE)):
        assert p.to_worker.decode(p._encoder.encode(call)) == call


async def test_the_worker_hands_the_file_to_its_client_and_answers_its_refusal(
    host: tuple[WorkerHost, asyncio.StreamReader],
) -> None:
    worker, reader = host
    client = worker.clients[7] = SendingClient()
    worker.handle(send_call(1))
    reply = p.from_worker.decode(await asyncio.wait_for(p.read_frame(reader), 10) or b"")
    assert isinstance(reply, p.Reply) and reply.ok and reply.id == 1
    sent = OutgoingMedia(descriptor=DOC, path="/tmp/wa-send-x")
    assert client.sends == [("2012@s.whatsapp.net", sent, "m1", None)]
    worker.handle(send_call(3, QUOTE))  # a reply with a file: its quote reaches the client
    reply = p.from_worker.decode(await asyncio.wait_for(p.read_frame(reader), 10) or b"")
    assert isinstance(reply, p.Reply) and reply.ok and reply.id == 3
    assert client.sends[-1] == ("2012@s.whatsapp.net", sent, "m1", QUOTE)
    client.fail = SendFailed("timed out (it may have been delivered; not retried)", retryable=False)
    worker.handle(send_call(2))
    reply = p.from_worker.decode(await asyncio.wait_for(p.read_frame(reader), 10) or b"")
    assert isinstance(reply, p.Reply) and not reply.ok and reply.failure == "send_failed"
    assert not reply.retryable  # the ambiguity survives the pipe
