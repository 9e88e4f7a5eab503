"""A ClientEvents sink that records every call, as the session service would receive them."""

from datetime import datetime

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


class RecordingEvents(ClientEvents, GroupEvents):
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    async def on_qr(self, code: str, expires_at: datetime) -> None:
        self.calls.append(("qr", code, expires_at))

    async def on_connected(self, *, jid: str, push_name: str | None) -> None:
        self.calls.append(("connected", jid, push_name))

    async def on_dropped(self, reason: DropReason) -> None:
        self.calls.append(("dropped", reason))

    async def on_logged_out(self, reason: LogoutReason, detail: str | None = None) -> None:
        self.calls.append(("logged_out", reason, detail))

    async def on_pairing_failed(
        self, reason: PairingFailureReason, detail: str | None = None
    ) -> None:
        self.calls.append(("pairing_failed", reason, detail))

    async def on_message(self, message: IncomingMessage) -> None:
        self.calls.append(("message", message))

    async def on_receipt(
        self, *, chat_jid: str, message_ids: list[str], status: DeliveryStatus
    ) -> None:
        self.calls.append(("receipt", chat_jid, message_ids, status))

    async def on_contact(self, contact: ContactInfo) -> None:
        self.calls.append(("contact", contact))

    async def on_group_change(self, change: GroupChange) -> None:
        self.calls.append(("group", change))

    def kinds(self) -> list[object]:
        return [call[0] for call in self.calls]

    async def on_undecryptable(self, message: Undecryptable) -> None:
        self.calls.append(("undecryptable", message))
