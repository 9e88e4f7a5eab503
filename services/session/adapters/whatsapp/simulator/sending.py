"""The sends of a simulated client: each refused offline or by an injected fault, else
recorded by the simulator's server as what WhatsApp accepted (each message id once)."""

import asyncio
import hashlib
import os
from typing import Literal

from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from contracts.simulator import SimSentMessage
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed, WhatsAppClient
from services.session.adapters.whatsapp.simulator.server import SimServer
from services.session.adapters.whatsapp.vcard import card_with_vcard

__all__ = ["SimSending", "State"]

State = Literal["idle", "pairing", "online", "offline", "stopped"]


class SimSending(WhatsAppClient):
    """What SimClient sends; it sets these attributes."""

    session: str
    server: SimServer
    state: State
    send_calls: int
    fail_next_sends: int

    def _accept(self, message: SimSentMessage) -> None:
        """What every send does: refused offline or by an injected fault, else recorded."""
        self.send_calls += 1
        if self.state != "online":
            raise SendFailed("not connected")
        if self.fail_next_sends > 0:
            self.fail_next_sends -= 1
            raise SendFailed("simulated send failure")
        self.server.accept_send(self.session, message)

    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None:
        reply_to = quote.message_id if quote else None
        self._accept(SimSentMessage(message_id=message_id, chat_jid=chat_jid, text=text,
                                    reply_to=reply_to))  # fmt: skip

    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        d = media.descriptor
        size, sha256 = await asyncio.to_thread(_digest, media.path)  # read as WhatsApp would
        message = SimSentMessage(
            message_id=message_id, chat_jid=chat_jid, text=d.caption or "", kind=d.kind,
            mime=d.mime, size=size, sha256=sha256, filename=d.filename,
            reply_to=quote.message_id if quote else None,
        )  # fmt: skip
        self._accept(message)

    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None:  # fmt: skip
        message = SimSentMessage(
            message_id=message_id, chat_jid=chat_jid, text="",
            location=card if isinstance(card, Location) else None,
            contact=card_with_vcard(card) if isinstance(card, ContactCard) else None,
            reply_to=quote.message_id if quote else None,
        )  # fmt: skip
        self._accept(message)

    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None:
        message = SimSentMessage(message_id=message_id, chat_jid=target.chat_jid, text="",
                                 target_id=target.message_id, action=action)  # fmt: skip
        self._accept(message)


def _digest(path: str) -> tuple[int, str]:
    with open(path, "rb") as file:
        return os.fstat(file.fileno()).st_size, hashlib.file_digest(file, "sha256").hexdigest()
