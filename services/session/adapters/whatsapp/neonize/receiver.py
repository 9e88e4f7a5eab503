"""Applies one session's translated neonize events, in arrival order, to its ClientEvents."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec
from msgspec import Struct

from services.session.adapters.whatsapp.groups import GroupEvents
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.sent_ids import SentIds
from services.session.adapters.whatsapp.neonize.translate import Context, translate
from services.session.adapters.whatsapp.port import ClientEvents, IncomingMessage

__all__ = ["QrCode", "QrRanOut", "Receiver", "RunEnded"]

FIRST_QR_TTL = timedelta(seconds=60)  # whatsmeow shows its first code for 60 s, then 20 s each
NEXT_QR_TTL = timedelta(seconds=20)


class QrCode(Struct, frozen=True, kw_only=True):
    code: str


class QrRanOut(Struct, frozen=True, kw_only=True):
    seen: int  # how many codes had been shown when the last one expired


class RunEnded(Struct, frozen=True, kw_only=True):
    error: str | None  # neonize's connect task ended: an error, or None after our own stop

    @classmethod
    def of(cls, task: "asyncio.Task[Any]") -> "RunEnded":
        if task.cancelled():
            return cls(error=None)
        error = task.exception()
        return cls(error=(str(error) or type(error).__name__) if error else None)


Identify = Callable[[], Awaitable[tuple[str, str | None] | None]]


class Receiver:
    def __init__(
        self,
        *,
        events: ClientEvents,
        sent: SentIds,
        log: Any,
        clock: Callable[[], datetime],
        late_after: timedelta,
        identify: Identify,
        halt: Callable[[], Awaitable[None]],
    ) -> None:
        self.events, self._sent, self._log, self._clock = events, sent, log, clock
        self._late_after, self._identify, self._halt = late_after, identify, halt
        self.first_qr = asyncio.Event()
        self.own_jid: str | None = None
        self.reset()

    def reset(self) -> None:
        """A new underlying neonize client starts from scratch."""
        self.connected = False
        self.paired = False  # scanned: the QR series ending is no longer a failure
        self.offline_sync = False
        self.qr_seen = 0
        self.first_qr.clear()

    async def handle(self, item: object) -> None:
        match item:
            case QrCode(code=code):
                self.qr_seen += 1
                ttl = FIRST_QR_TTL if self.qr_seen == 1 else NEXT_QR_TTL
                self.first_qr.set()
                self._log.info("neonize.qr", number=self.qr_seen, ttl_s=ttl.total_seconds())
                await self.events.on_qr(code, self._clock() + ttl)
            case QrRanOut(seen=seen) if seen == self.qr_seen and not (
                self.connected or self.paired
            ):
                await self.apply(s.PairingFailed(reason="codes_exhausted", detail=f"{seen} codes"))
            case RunEnded(error=error) if error is not None:
                await self.apply(s.Dropped(reason="connect_failure", detail=error))
            case QrRanOut() | RunEnded():
                pass
            case _:
                ctx = Context(
                    now=self._clock(),
                    in_offline_sync=self.offline_sync,
                    late_after=self._late_after,
                    own_jid=self.own_jid,
                )
                for signal in translate(item, ctx):
                    await self.apply(signal)

    async def apply(self, signal: s.Signal) -> None:
        match signal:
            case s.ConnectionUp():
                await self._connected()
            case s.Dropped(reason=reason, detail=detail):
                self._log.warning("neonize.dropped", reason=reason, detail=detail)
                await self._halt()
                await self.events.on_dropped(reason)
            case s.LoggedOut(reason=reason, detail=detail):
                self._log.warning("neonize.logged_out", reason=reason, detail=detail)
                await self._halt()
                await self.events.on_logged_out(reason, detail)
            case s.PairingFailed(reason=reason, detail=detail):
                self._log.warning("neonize.pairing_failed", reason=reason, detail=detail)
                await self._halt()
                await self.events.on_pairing_failed(reason, detail)
            case s.KeepAliveBack():
                self._log.info("neonize.keepalive_restored")
            case s.KeepAliveMissed(errors=errors):
                self._log.info("neonize.keepalive_missed", errors=errors)
            case s.PairResult(ok=True):
                self._log.info("neonize.pair_status", ok=True)
                self.paired = True
            case s.PairResult(error=error):
                await self.apply(s.PairingFailed(reason="cancelled", detail=error))
            case s.OfflineSyncStarted(pending_messages=pending):
                self._log.info("neonize.offline_sync_started", pending_messages=pending)
                self.offline_sync = True
            case s.OfflineSyncEnded(count=count):
                self._log.info("neonize.offline_sync_completed", count=count)
                self.offline_sync = False
            case s.MessageArrived(message=message):
                await self.events.on_message(await self._with_our_ids(message))
            case s.NotDecrypted(message=lost):
                self._log.warning(
                    "neonize.undecryptable", message_id=lost.message_id, chat=lost.chat_jid,
                    sender=lost.sender_jid, unavailable=lost.unavailable,
                )  # fmt: skip
                await self.events.on_undecryptable(lost)
            case s.ReceiptArrived():
                await self._receipt(signal)
            case s.GroupChanged(change=change):
                if isinstance(self.events, GroupEvents):
                    await self.events.on_group_change(change)
            case s.ContactLearned(contact=contact):
                await self.events.on_contact(contact)  # the service keeps what it knows

    async def _connected(self) -> None:
        identity = await self._identify()
        if identity is None:
            self._log.error("neonize.connected_without_identity")
            return
        self.own_jid, push_name = identity
        self.connected = True
        self._log.info("neonize.connected", jid=self.own_jid)
        await self.events.on_connected(jid=self.own_jid, push_name=push_name)

    async def _with_our_ids(self, message: IncomingMessage) -> IncomingMessage:
        """A quote of, or an action on, a message we sent names it by our id, not WhatsApp's."""
        changes: dict[str, str] = {}
        for name in ("reply_to", "target_id"):
            whatsapp_id = getattr(message, name)
            ours = await asyncio.to_thread(self._sent.ours, whatsapp_id) if whatsapp_id else None
            if ours is not None:
                changes[name] = ours[0]
        return msgspec.structs.replace(message, **changes) if changes else message

    async def _receipt(self, receipt: s.ReceiptArrived) -> None:
        by_chat: dict[str, list[str]] = {}
        for whatsapp_id in receipt.whatsapp_ids:
            ours = await asyncio.to_thread(self._sent.ours, whatsapp_id)
            message_id, chat = ours if ours else (whatsapp_id, receipt.chat_jid)
            by_chat.setdefault(chat, []).append(message_id)
        for chat, ids in by_chat.items():
            await self.events.on_receipt(chat_jid=chat, message_ids=ids, status=receipt.status)
