"""In the service: a session's client whose neonize client runs in a worker process.

Every call goes to the shard's current worker (opening the client there first if that worker
is new); the worker's events come back in order and are acknowledged once handled. When the
worker ends, a client that was meant to be running reports one drop (``worker_crashed``,
``worker_hung`` or ``worker_recycled``), and the service's reconnect policy decides.
"""

import asyncio
import contextlib

from contracts.conversation import ContactCard, Location, MessageAction, MessageRef, Quote
from services.session.adapters.whatsapp.groups import GroupEvents
from services.session.adapters.whatsapp.port import (
    ClientEvents,
    DownloadFailed,
    DropReason,
    OutgoingMedia,
    SendFailed,
    WhatsAppClient,
)
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.chat_calls import WorkerChatCalls
from services.session.adapters.whatsapp.worker.group_calls import WorkerGroupCalls
from services.session.adapters.whatsapp.worker.process import WorkerGone, WorkerProcess
from services.session.adapters.whatsapp.worker.supervisor import Supervisor, WorkerUnavailable

__all__ = ["WorkerClient", "WorkerRefused"]

Item = tuple[WorkerProcess, p.Event] | DropReason  # a reason: the worker it ran in ended


class WorkerRefused(Exception):
    """The worker refused the call (at capacity, or an error it reported)."""


class WorkerClient(WorkerChatCalls, WhatsAppClient, WorkerGroupCalls):
    def __init__(
        self,
        *,
        id: int,
        tenant: str,
        session: str,
        shard: Supervisor,
        events: ClientEvents,
        wait_s: float,
    ) -> None:
        self.id, self.tenant, self.session, self.shard = id, tenant, session, shard
        self.events, self._wait_s = events, wait_s
        self.worker: WorkerProcess | None = None  # the worker it is open in
        self.running = False  # connect() asked for, and no drop or end reported since
        self.closed = False
        self._inbox: asyncio.Queue[Item] = asyncio.Queue()
        self._pump = asyncio.get_running_loop().create_task(self._pump_loop())

    async def _call(self, op: p.Op, **fields: p.CallField) -> p.Reply:
        if self.closed:
            raise WorkerRefused("this client was disconnected: it is never called again")
        worker = await self.shard.running(self._wait_s)
        if self.worker is not worker:
            self.worker = worker  # before the first frame: its death is now this client's
            worker.send(p.Open(client=self.id, tenant=self.tenant, session=self.session))
        return await worker.call(self.id, op, **fields)

    async def connect(self) -> None:
        self.running = True
        try:
            reply = await self._call("connect")
        except WorkerGone:
            return  # reported once, as the drop `worker_crashed`, by the pump
        except WorkerUnavailable:
            self.running = False
            raise
        if not reply.ok:
            self.running = False
            if reply.failure == "capacity":
                await self.events.on_pairing_failed("connect_failed", reply.error)
            raise WorkerRefused(reply.error)

    async def pair_phone(self, phone: str) -> str:
        try:
            reply = await self._call("pair_phone", phone=phone)
        except (WorkerGone, WorkerUnavailable) as exc:
            raise SendFailed(f"no pairing code: {exc}", retryable=True) from exc
        if not reply.ok:
            raise SendFailed(reply.error, retryable=reply.retryable)
        return reply.value

    async def download_media(self, *, media_ref: bytes) -> bytes:
        if self.worker is None or not self.worker.alive:
            raise DownloadFailed("not connected")
        try:
            reply = await self.worker.call(self.id, "download_media", data=media_ref)
        except WorkerGone as exc:
            raise DownloadFailed(str(exc)) from exc
        if not reply.ok:
            raise DownloadFailed(reply.error)
        return reply.data

    async def send_text(
        self, *, chat_jid: str, text: str, message_id: str, quote: Quote | None = None
    ) -> None:
        await self._send("send_text", chat_jid=chat_jid, text=text, message_id=message_id,
                         quote=quote)  # fmt: skip

    async def send_media(
        self, *, chat_jid: str, media: OutgoingMedia, message_id: str, quote: Quote | None = None
    ) -> None:
        """The worker reads the file at ``media.path`` itself: no bytes cross the pipe."""
        await self._send("send_media", chat_jid=chat_jid, message_id=message_id,
                         media=media.descriptor, path=media.path, quote=quote)  # fmt: skip

    async def send_card(
        self, *, chat_jid: str, card: Location | ContactCard, message_id: str,
        quote: Quote | None = None,
    ) -> None:  # fmt: skip
        location = card if isinstance(card, Location) else None
        contact = card if isinstance(card, ContactCard) else None
        await self._send("send_card", chat_jid=chat_jid, message_id=message_id, quote=quote,
                         location=location, contact=contact)  # fmt: skip

    async def send_action(
        self, *, target: MessageRef, action: MessageAction, message_id: str
    ) -> None:
        await self._send("send_action", target=target, action=action, message_id=message_id)

    async def _send(self, op: p.Op, **fields: p.CallField) -> None:
        if self.worker is None or not self.worker.accepting:  # (recycling: not sent, retried)
            raise SendFailed("not connected", retryable=True)
        try:
            reply = await self.worker.call(self.id, op, **fields)
        except WorkerGone as exc:
            raise SendFailed(
                f"{exc} during the send: it may have been delivered (not retried)", retryable=False
            ) from exc
        if not reply.ok:
            raise SendFailed(reply.error, retryable=reply.retryable)

    async def logout(self) -> None:
        await self._checked("logout")

    async def forget(self) -> None:
        await self._checked("forget")

    async def _checked(self, op: p.Op) -> None:
        reply = await self._call(op)
        if not reply.ok:
            raise WorkerRefused(reply.error)

    async def disconnect(self) -> None:
        """The end of this client; a dead worker already took its neonize client with it."""
        self.running, self.closed = False, True
        worker, self.worker = self.worker, None
        if worker is not None and worker.alive:
            with contextlib.suppress(WorkerGone):
                await worker.call(self.id, "disconnect")
        self._pump.cancel()

    def deliver(self, worker: WorkerProcess, event: p.Event) -> None:
        self._inbox.put_nowait((worker, event))

    def worker_died(self, worker: WorkerProcess) -> None:
        if worker is self.worker:
            self.worker = None
            self._inbox.put_nowait(worker.end_reason)

    async def _pump_loop(self) -> None:
        while True:
            item = await self._inbox.get()
            if isinstance(item, str):
                if self.running and not self.closed:
                    self.running = False
                    await self.events.on_dropped(item)
                continue
            worker, event = item
            try:
                if worker is self.worker and not self.closed:
                    await self._handle(event)
            finally:
                if worker.alive:
                    worker.send(p.EventDone(id=event.id))

    async def _handle(self, e: p.Event) -> None:
        ev = self.events
        match e.kind:
            case "qr" if e.expires_at is not None:
                await ev.on_qr(e.code, e.expires_at)
            case "connected":
                await ev.on_connected(jid=e.jid, push_name=e.push_name)
            case "dropped" if e.drop is not None:
                self.running = False
                await ev.on_dropped(e.drop)
            case "logged_out" if e.logout is not None:
                self.running = False
                await ev.on_logged_out(e.logout, e.detail)
            case "pairing_failed" if e.pairing is not None:
                self.running = False
                await ev.on_pairing_failed(e.pairing, e.detail)
            case "message" if e.message is not None:
                await ev.on_message(e.message)
            case "receipt" if e.status is not None:
                await ev.on_receipt(chat_jid=e.chat_jid, message_ids=e.message_ids, status=e.status)
            case "contact" if e.contact is not None:
                await ev.on_contact(e.contact)
            case "group" if e.group is not None and isinstance(ev, GroupEvents):
                await ev.on_group_change(e.group)
            case "undecryptable" if e.undecryptable is not None:
                await ev.on_undecryptable(e.undecryptable)
