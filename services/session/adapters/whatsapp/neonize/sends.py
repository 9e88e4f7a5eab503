"""Sends through neonize: texts and files (quoting, when a reply), locations and contact
cards, and reactions, edits and revokes, each once per message id (``SentIds``), all by one
path (``_send`` → ``send_once``: the thread-start timeout and its ambiguity rules)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from neonize.aioze.client import NewAClient
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, Message

from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from services.session.adapters.whatsapp.neonize.actions_out import action_message
from services.session.adapters.whatsapp.neonize.connection import own_identity
from services.session.adapters.whatsapp.neonize.go_flags import is_connected
from services.session.adapters.whatsapp.neonize.jids import jid_from_str, user_jid_str
from services.session.adapters.whatsapp.neonize.media_out import build_media
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.outgoing import (
    card_message,
    quoted,
    text_message,
    with_context,
)
from services.session.adapters.whatsapp.neonize.receiver import Receiver
from services.session.adapters.whatsapp.neonize.sending import jid_or_refusal, send_once
from services.session.adapters.whatsapp.neonize.sent_ids import SentIds
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed, WhatsAppClient

__all__ = ["NeonizeSends"]

T = TypeVar("T")


class NeonizeSends(WhatsAppClient):
    """The sends of NeonizeClient, which sets these attributes and ``_call``."""

    _neo: NewAClient | None
    _sent: SentIds
    _options: NeonizeOptions
    _log: Any
    receiver: Receiver

    async def _call(self, op: str, call: Awaitable[T], **fields: object) -> T:
        raise NotImplementedError

    async def _gated(self, call: Awaitable[T]) -> T:
        raise NotImplementedError

    async def _go(self, op: str, call: Awaitable[T], **fields: object) -> T:
        raise NotImplementedError

    async def _connected(self, neo: NewAClient) -> bool:
        """Whether neonize's client is connected (a Go call, gated)."""
        return await self._gated(is_connected(neo))

    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None:
        async def build(neo: NewAClient) -> Message:
            return text_message(text, await self._quoted(neo, quote))

        await self._send(chat_jid, message_id, build, chars=len(text))

    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        async def build(neo: NewAClient) -> Message:
            kind = media.descriptor.kind
            built = await self._go(f"build_{kind}_message", build_media(neo, media),
                                     message_id=message_id, size=media.descriptor.size)  # fmt: skip
            return with_context(built, await self._quoted(neo, quote))

        await self._send(chat_jid, message_id, build, kind=media.descriptor.kind)

    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None:  # fmt: skip
        async def build(neo: NewAClient) -> Message:
            return card_message(card, await self._quoted(neo, quote))

        await self._send(chat_jid, message_id, build, kind=type(card).__name__)

    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None:
        async def build(neo: NewAClient) -> Message:
            whatsapp_id = await self._whatsapp_id(target.message_id)
            me = (await self._go("get_me", neo.get_me())).JID
            call = action_message(neo, target, action, whatsapp_id, me)
            return await self._go("build_action", call)

        await self._send(target.chat_jid, message_id, build, action=type(action).__name__)

    async def _whatsapp_id(self, message_id: str) -> str:
        """WhatsApp's id of a message: ours for what we sent (see SentIds), else the same."""
        return await asyncio.to_thread(self._sent.whatsapp_id, message_id) or message_id

    async def _quoted(self, neo: NewAClient, quote: Quote | None) -> ContextInfo | None:
        if quote is None:
            return None
        me = own_identity(await self._go("get_me", neo.get_me()))
        own = user_jid_str(jid_from_str(me[0])) if me else None
        return quoted(quote, await self._whatsapp_id(quote.message_id), own or "")

    async def _send(
        self, chat_jid: str, message_id: str, build: Callable[[NewAClient], Awaitable[Message]],
        **fields: object,
    ) -> None:  # fmt: skip
        neo = self._neo
        if neo is None or not self.receiver.connected or not await self._connected(neo):
            raise SendFailed("not connected", retryable=True)
        if await asyncio.to_thread(self._sent.whatsapp_id, message_id):
            self._log.info("neonize.send_skipped", message_id=message_id, why="already sent")
            return
        jid_or_refusal(chat_jid)  # before building: nothing uploaded for a bad address
        message = await build(neo)
        timeout = self._options.send_timeout.total_seconds()
        whatsapp_id = await self._call(
            "send_message",
            send_once(neo, chat_jid=chat_jid, message=message, timeout=timeout),
            message_id=message_id,
            chat=chat_jid,
            **fields,
        )
        await asyncio.to_thread(
            self._sent.record, whatsapp_id=whatsapp_id, message_id=message_id, chat_jid=chat_jid
        )
