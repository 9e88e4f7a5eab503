"""The ClientEvents bound once to each client: hands every report to the service."""

from datetime import datetime

from contracts.addresses import InvalidAddress, parse_address
from contracts.events import ContactUpdated, MessageReceived, MessageStatus, MessageUndecryptable
from contracts.events.message import DeliveryStatus
from contracts.events.session import LogoutReason, PairingFailureReason
from services.session.adapters.whatsapp.groups import GroupChange, GroupEvents
from services.session.adapters.whatsapp.port import (
    ClientEvents,
    ContactInfo,
    DropReason,
    IncomingMessage,
    Undecryptable,
)
from services.session.service_layer.group_sync import record_change
from services.session.service_layer.incoming_actions import action_fact
from services.session.service_layer.lifecycle_port import StateChanges
from services.session.service_layer.pending_media import PendingMedia
from services.session.service_layer.session_runtime import SessionRuntime
from services.session.service_layer.stable_ids import stable_event_id

__all__ = ["ClientSink", "sender_contact", "stable_event_id"]


def clean(text: str | None) -> str | None:
    """Text from WhatsApp as it may enter the log: NUL (which no text store can hold, and
    PostgreSQL refuses) becomes U+FFFD; everything else is kept as sent."""
    return text.replace("\x00", "\ufffd") if text and "\x00" in text else text


class ClientSink(ClientEvents, GroupEvents):
    """State changes run in their own task under the session lock (never inline in the client);
    messages and receipts are appended before the call returns, so the client may ack them."""

    def __init__(self, lifecycle: StateChanges, rt: SessionRuntime, generation: int) -> None:
        self.lifecycle = lifecycle
        self.core = lifecycle.core
        self.rt = rt
        self.gen = generation

    async def on_qr(self, code: str, expires_at: datetime) -> None:
        await self.lifecycle.qr(self.rt, self.gen, code, expires_at)

    async def on_connected(self, *, jid: str, push_name: str | None) -> None:
        self.core.spawn(self.lifecycle.connected(self.rt, self.gen, jid, push_name))

    async def on_dropped(self, reason: DropReason) -> None:
        self.core.spawn(self.lifecycle.dropped(self.rt, self.gen, reason))

    async def on_logged_out(self, reason: LogoutReason, detail: str | None = None) -> None:
        self.core.spawn(self.lifecycle.logged_out(self.rt, self.gen, reason, detail))

    async def on_pairing_failed(
        self, reason: PairingFailureReason, detail: str | None = None
    ) -> None:
        self.core.spawn(self.lifecycle.pairing_failed(self.rt, self.gen, reason, detail))

    async def on_message(self, message: IncomingMessage) -> None:
        rt = self.rt
        fact = action_fact(rt.state, message)
        if fact is not None:
            event_id = stable_event_id(rt.tenant, rt.session, "in", message.message_id)
            await self.core.publish_fact(rt, fact, event_id)
            await self._sender_learned(message)
            return
        kind = message.media_kind or (
            "location" if message.location else "contact" if message.contact else None
        )
        payload = MessageReceived(
            message_id=message.message_id,
            chat_jid=message.chat_jid,
            sender_jid=message.sender_jid,
            sender_phone_jid=message.sender_phone_jid,
            sender_lid=message.sender_lid,
            push_name=clean(message.push_name),
            is_group=message.is_group,
            from_me=message.from_me,
            text=clean(message.text),
            media_kind=kind,
            sent_at=message.sent_at,
            is_old=message.is_offline,
            media=message.media,
            media_status="pending" if message.media is not None else None,
            reply_to=message.reply_to,
            location=message.location,
            contact=message.contact,
        )
        event_id = stable_event_id(rt.tenant, rt.session, "in", message.message_id)
        pending = _pending(rt, message)
        if pending is not None:  # remembered first: a crash after the event still fetches it
            await self.core.downloads.pending.add(pending)
        await self.core.publish_fact(rt, payload, event_id)
        if pending is not None:
            self.core.downloads.start(rt, pending)
        await self._sender_learned(message)

    async def _sender_learned(self, message: IncomingMessage) -> None:
        """The one place a message's sender becomes a contact (for every client)."""
        contact = sender_contact(message)
        if contact is not None:
            await self.on_contact(contact)

    async def on_receipt(
        self, *, chat_jid: str, message_ids: list[str], status: DeliveryStatus
    ) -> None:
        for message_id in message_ids:
            payload = MessageStatus(message_id=message_id, chat_jid=chat_jid, status=status)
            event_id = stable_event_id(self.rt.tenant, self.rt.session, message_id, status)
            await self.core.publish_fact(self.rt, payload, event_id)

    async def on_contact(self, contact: ContactInfo) -> None:
        known = self.rt.contacts.get(contact.jid)
        lid = contact.lid or (known[0] if known else None)
        push_name = clean(contact.push_name) or (known[1] if known else None)
        if known == (lid, push_name) or (lid is None and push_name is None):
            return
        self.rt.contacts[contact.jid] = (lid, push_name)
        try:
            phone = parse_address(contact.jid).phone_number
        except InvalidAddress:
            phone = None
        payload = ContactUpdated(
            jid=contact.jid,
            lid=lid,
            phone_number=phone,
            push_name=push_name,
            saved_name=clean(contact.saved_name),
        )
        await self.core.publish_fact(self.rt, payload, None)

    async def on_group_change(self, change: GroupChange) -> None:
        await record_change(self.core, self.rt, change)

    async def on_undecryptable(self, message: Undecryptable) -> None:
        await _undecryptable(self, message)


async def _undecryptable(sink: "ClientSink", message: Undecryptable) -> None:
    payload = MessageUndecryptable(
        message_id=message.message_id, chat_jid=message.chat_jid,
        sender_jid=message.sender_jid, is_group=message.is_group, sent_at=message.sent_at,
        unavailable=message.unavailable,
    )  # fmt: skip
    rt = sink.rt
    event_id = stable_event_id(rt.tenant, rt.session, "undecryptable", message.message_id)
    await sink.core.publish_fact(rt, payload, event_id)


def sender_contact(message: IncomingMessage) -> ContactInfo | None:
    """The contact a message from someone else teaches (its phone JID, else a non-LID sender)."""
    if message.from_me:
        return None
    phone = message.sender_phone_jid
    if phone is None and not message.sender_jid.endswith("@lid"):
        phone = message.sender_jid
    return ContactInfo.of_sender(phone, message.sender_lid, message.push_name)


def _pending(rt: SessionRuntime, message: IncomingMessage) -> PendingMedia | None:
    if message.media is None or not message.media_ref:
        return None
    return PendingMedia(
        tenant=rt.tenant, session=rt.session, message_id=message.message_id,
        chat_jid=message.chat_jid, mime=message.media.mime, media_ref=message.media_ref,
    )  # fmt: skip
