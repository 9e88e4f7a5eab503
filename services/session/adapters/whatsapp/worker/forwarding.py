"""In a worker: one client's ClientEvents, each call sent to the service and awaited there."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

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

__all__ = ["ForwardedEvents"]

Emit = Callable[..., Awaitable[None]]


class ForwardedEvents(ClientEvents, GroupEvents):
    """``emit(kind, **fields)`` returns once the service has handled the event (kept in order)."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit

    async def _send(self, kind: str, **fields: Any) -> None:
        await self._emit(kind, **fields)

    async def on_qr(self, code: str, expires_at: datetime) -> None:
        await self._send("qr", code=code, expires_at=expires_at)

    async def on_connected(self, *, jid: str, push_name: str | None) -> None:
        await self._send("connected", jid=jid, push_name=push_name)

    async def on_dropped(self, reason: DropReason) -> None:
        await self._send("dropped", drop=reason)

    async def on_logged_out(self, reason: LogoutReason, detail: str | None = None) -> None:
        await self._send("logged_out", logout=reason, detail=detail)

    async def on_pairing_failed(
        self, reason: PairingFailureReason, detail: str | None = None
    ) -> None:
        await self._send("pairing_failed", pairing=reason, detail=detail)

    async def on_message(self, message: IncomingMessage) -> None:
        await self._send("message", message=message)

    async def on_receipt(
        self, *, chat_jid: str, message_ids: list[str], status: DeliveryStatus
    ) -> None:
        await self._send("receipt", chat_jid=chat_jid, message_ids=message_ids, status=status)

    async def on_contact(self, contact: ContactInfo) -> None:
        await self._send("contact", contact=contact)

    async def on_group_change(self, change: GroupChange) -> None:
        await self._send("group", group=change)

    async def on_undecryptable(self, message: Undecryptable) -> None:
        await self._send("undecryptable", undecryptable=message)
