"""One simulated WhatsApp client: rotating QR codes, pairing, messages, receipts, faults."""

import asyncio
import secrets
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from contracts.events.message import DeliveryStatus
from contracts.simulator import SimPairingFault
from services.session.adapters.whatsapp.port import (
    ClientEvents,
    DownloadFailed,
    IncomingMessage,
    SendFailed,
)
from services.session.adapters.whatsapp.simulator.chats import SimChatActions
from services.session.adapters.whatsapp.simulator.group_calls import SimGroupCalls
from services.session.adapters.whatsapp.simulator.sending import SimSending, State
from services.session.adapters.whatsapp.simulator.server import SimServer

__all__ = ["SimClient"]


class SimClient(SimChatActions, SimSending, SimGroupCalls):
    """Behaves like a neonize client against the simulator's server."""

    def __init__(
        self,
        *,
        session: str,
        events: ClientEvents,
        server: SimServer,
        qr_ttl_s: float,
        pairing_faults: dict[str, SimPairingFault] | None = None,
    ) -> None:
        self.session = session
        self.events = events
        self.server = server
        self.chats = server.chats
        self.qr_ttl_s = qr_ttl_s
        self.state: State = "idle"
        self.fail_next_sends = 0
        self.fail_next_connects = 0
        self.fail_next_downloads = 0
        self._pairing_faults = {} if pairing_faults is None else pairing_faults
        self.send_calls = 0
        self.connect_calls = 0
        self._qr_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._deliver = asyncio.Lock()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def connect(self) -> None:
        self.connect_calls += 1
        if self.state in ("online", "pairing"):
            return
        if self.fail_next_connects > 0:
            self.fail_next_connects -= 1
            raise ConnectionError("simulated connection failure")
        device = self.server.device(self.session)
        if device is None:
            fault = self._pairing_faults.pop(self.session, None)
            if fault == "connect_failed":
                raise ConnectionError("simulated: WhatsApp unreachable")
            self.state = "pairing"
            if fault is None:
                self._qr_task = asyncio.create_task(self._rotate_qr())
            elif fault != "stall":
                self._spawn(self.fail_pairing(fault))
            return
        self.state = "online"
        self._spawn(self._come_online(device.jid))

    async def _rotate_qr(self) -> None:
        while self.state == "pairing":
            code = f"2@{secrets.token_urlsafe(24)},{secrets.token_urlsafe(16)},sim"
            expires = datetime.now(UTC) + timedelta(seconds=self.qr_ttl_s)
            await self.events.on_qr(code, expires)
            await asyncio.sleep(self.qr_ttl_s)

    async def fail_pairing(self, fault: SimPairingFault) -> None:
        """What whatsmeow reports when a pairing ends without a connection."""
        self._stop_qr()
        self.state = "stopped"
        if fault == "client_outdated":
            await self.events.on_dropped("client_outdated")
        elif fault == "connect_failed":
            await self.events.on_dropped("connect_failure")
        elif fault != "stall":
            await self.events.on_pairing_failed(fault, "simulated")

    async def _come_online(self, jid: str) -> None:
        await self.events.on_connected(jid=jid, push_name="Simulated")
        for message in self.server.undelivered(self.session):
            await self.deliver(msgspec.structs.replace(message, is_offline=True))

    async def pair_phone(self, phone: str) -> str:
        if self.state not in ("pairing", "idle"):
            raise SendFailed("not pairing", retryable=False)
        return f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"

    def scan(self, phone: str) -> bool:
        """The phone scanned the QR or entered the code: the device is now paired."""
        if self.state != "pairing":
            return False
        device = self.server.pair(self.session, phone)
        self._stop_qr()
        self.state = "online"
        self._spawn(self._come_online(device.jid))
        return True

    async def download_media(self, *, media_ref: bytes) -> bytes:
        if self.state != "online":
            raise DownloadFailed("not connected")
        if self.fail_next_downloads > 0:
            self.fail_next_downloads -= 1
            raise DownloadFailed("simulated download failure")
        data = self.server.media(self.session, media_ref.decode())
        if data is None:
            raise DownloadFailed("no such file on the simulated media server")
        return data

    async def deliver(self, message: IncomingMessage) -> bool:
        """Hand a message to the service; acknowledged (never redelivered) once it returns."""
        if self.state != "online":
            return False
        async with self._deliver:
            await self.events.on_message(message)
            self.server.ack_incoming(self.session, message.message_id)
        return True

    async def receipt(self, message_id: str, status: DeliveryStatus) -> bool:
        sent = {m.message_id: m for m in self.server.sent(self.session)}
        if self.state != "online" or message_id not in sent:
            return False
        chat = sent[message_id].chat_jid
        await self.events.on_receipt(chat_jid=chat, message_ids=[message_id], status=status)
        return True

    async def drop(self, reason: str) -> None:
        self._stop_qr()
        if reason in ("network", "keepalive"):
            self.state = "offline"
            await self.events.on_dropped("network" if reason == "network" else "keepalive")
            return
        self.state = "stopped"
        self.server.unpair(self.session)
        kind = {"logout": "logout", "replaced": "replaced", "ban": "banned"}[reason]
        await self.events.on_logged_out(kind)  # type: ignore[arg-type]

    def _stop_qr(self) -> None:
        if self._qr_task is not None:
            self._qr_task.cancel()
            self._qr_task = None

    async def logout(self) -> None:
        self.server.unpair(self.session)
        await self.disconnect()

    async def disconnect(self) -> None:
        self._stop_qr()
        self.state = "stopped"

    async def forget(self) -> None:
        self.server.unpair(self.session)
