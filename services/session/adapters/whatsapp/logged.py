"""Every access to WhatsApp, logged with tenant and session (never a QR or a pairing code)."""

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

from contracts.chat_commands import NumberCheck, PresenceState
from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from runtime.logging import get_logger
from services.session.adapters.whatsapp.logged_groups import LoggedGroupCalls
from services.session.adapters.whatsapp.port import (
    ClientEvents,
    OutgoingMedia,
    WhatsAppClient,
    WhatsAppPort,
)

__all__ = ["LoggedPort"]

log = get_logger("whatsapp")
T = TypeVar("T")


class LoggedClient(WhatsAppClient, LoggedGroupCalls):
    """Wraps a client: one log line per call, and one for each failure."""

    def __init__(self, inner: WhatsAppClient, tenant: str, session: str) -> None:
        self.inner = inner
        self._log: Any = log.bind(tenant=tenant, session=session)

    async def connect(self) -> None:
        self._log.info("whatsapp.connect")
        await self.inner.connect()

    async def pair_phone(self, phone: str) -> str:
        self._log.info("whatsapp.pair_phone")
        return await self.inner.pair_phone(phone)

    async def _send(self, op: str, call: Awaitable[None], message_id: str, **fields: Any) -> None:
        self._log.info(f"whatsapp.{op}", message_id=message_id, **fields)
        try:
            await call
        except Exception as exc:
            self._log.warning(f"whatsapp.{op}_failed", message_id=message_id, error=str(exc))
            raise

    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None:
        call = self.inner.send_text(chat_jid=chat_jid, text=text, message_id=message_id,
                                    quote=quote)  # fmt: skip
        reply_to = quote.message_id if quote else None
        await self._send("send_text", call, message_id, chat_jid=chat_jid, reply_to=reply_to)

    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        call = self.inner.send_media(chat_jid=chat_jid, media=media, message_id=message_id,
                                     quote=quote)  # fmt: skip
        kind, size = media.descriptor.kind, media.descriptor.size
        await self._send("send_media", call, message_id, chat_jid=chat_jid, kind=kind, size=size)

    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None:  # fmt: skip
        call = self.inner.send_card(chat_jid=chat_jid, card=card, message_id=message_id,
                                    quote=quote)  # fmt: skip
        kind = "location" if isinstance(card, Location) else "contact"
        await self._send("send_card", call, message_id, chat_jid=chat_jid, kind=kind)

    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None:
        call = self.inner.send_action(target=target, action=action, message_id=message_id)
        kind = type(action).__name__.lower()
        await self._send("send_action", call, message_id, chat_jid=target.chat_jid,
                         target=target.message_id, action=kind)  # fmt: skip

    async def download_media(self, *, media_ref: bytes) -> bytes:
        self._log.info("whatsapp.download_media")
        try:
            return await self.inner.download_media(media_ref=media_ref)
        except Exception as exc:
            self._log.warning("whatsapp.download_media_failed", error=str(exc))
            raise

    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None:
        self._log.info("whatsapp.mark_read", chat_jid=chat_jid, messages=len(message_ids))
        await self._logged(
            "mark_read",
            self.inner.mark_read(
                chat_jid=chat_jid, sender_jid=sender_jid, message_ids=message_ids, read_at=read_at
            ),
        )

    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None:
        self._log.info("whatsapp.send_presence", chat_jid=chat_jid, state=state)
        await self._logged(
            "send_presence", self.inner.send_presence(chat_jid=chat_jid, state=state)
        )

    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        self._log.info("whatsapp.check_numbers", numbers=len(phones))
        return await self._logged("check_numbers", self.inner.check_numbers(phones))

    async def profile_picture(self, jid: str) -> bytes | None:
        self._log.info("whatsapp.profile_picture", jid=jid)
        return await self._logged("profile_picture", self.inner.profile_picture(jid))

    async def _logged(self, op: str, call: Awaitable[T]) -> T:
        try:
            return await call
        except Exception as exc:
            self._log.warning(f"whatsapp.{op}_failed", error=str(exc))
            raise

    async def logout(self) -> None:
        self._log.info("whatsapp.logout")
        await self.inner.logout()

    async def disconnect(self) -> None:
        self._log.info("whatsapp.disconnect")
        await self.inner.disconnect()

    async def forget(self) -> None:
        self._log.info("whatsapp.forget")
        await self.inner.forget()


class LoggedPort(WhatsAppPort):
    """Wraps a port so that every client it makes is a LoggedClient."""

    def __init__(self, inner: WhatsAppPort) -> None:
        self.inner = inner

    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        log.info("whatsapp.new_client", tenant=tenant, session=session)
        client = self.inner.new_client(tenant=tenant, session=session, events=events)
        return LoggedClient(client, tenant, session)
