"""One session's WhatsApp connection through neonize: at most one underlying client at a time.

Every transient drop ends that underlying client (``Stop``: whatsmeow's Disconnect, which also
cancels its auto-reconnect, plus the end of neonize's event loop); the service's policy decides
if and when ``connect()`` runs again, which builds a fresh neonize client on the same device DB.
"""

import asyncio
import itertools
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from neonize.aioze.client import NewAClient
from neonize.exc import PairPhoneError
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from contracts.chat_commands import NumberCheck, PresenceState
from runtime.logging import get_logger
from services.session.adapters.whatsapp.neonize import chat_calls
from services.session.adapters.whatsapp.neonize.binding import bind_once
from services.session.adapters.whatsapp.neonize.connection import own_identity
from services.session.adapters.whatsapp.neonize.devices import DeviceDatabase
from services.session.adapters.whatsapp.neonize.go_maps import go_maps
from services.session.adapters.whatsapp.neonize.group_calls import NeonizeGroupCalls
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions, device_props
from services.session.adapters.whatsapp.neonize.receiver import (
    FIRST_QR_TTL,
    NEXT_QR_TTL,
    QrCode,
    QrRanOut,
    Receiver,
    RunEnded,
)
from services.session.adapters.whatsapp.neonize.registration import registered
from services.session.adapters.whatsapp.neonize.sends import NeonizeSends
from services.session.adapters.whatsapp.neonize.sent_ids import SentIds
from services.session.adapters.whatsapp.neonize.stopping import RunStopper
from services.session.adapters.whatsapp.neonize.threads import GoCallStart
from services.session.adapters.whatsapp.port import (
    ClientEvents,
    DownloadFailed,
    SendFailed,
)

__all__ = ["NeonizeClient", "PairingFailed"]

T = TypeVar("T")
_runs = itertools.count(1)


class PairingFailed(SendFailed):
    """No pairing code (not pairing, or WhatsApp refused); a SendFailed, like the simulator's."""


class NeonizeClient(NeonizeSends, NeonizeGroupCalls):
    """The real WhatsApp client of one session."""

    def __init__(
        self,
        *,
        tenant: str,
        session: str,
        events: ClientEvents,
        device: DeviceDatabase,
        sent: SentIds,
        options: NeonizeOptions,
        clock: Callable[[], datetime],
    ) -> None:
        self.tenant, self.session, self._device, self._sent = tenant, session, device, sent
        self._options = options
        self._log = get_logger(__name__).bind(tenant=tenant, session=session, adapter="neonize")
        self._neo: NewAClient | None = None
        self._store_tag = ""  # names the device store neonize opened for the current client
        self._run = 0  # which underlying client is current; events of older ones are dropped
        self._inbox: asyncio.Queue[tuple[int, object]] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None
        self._qr_timer: asyncio.TimerHandle | None = None
        self._qr_posted = 0
        self._starting = asyncio.Lock()
        self._halted = asyncio.Event()
        self._stopper = RunStopper(options=options, call=self._call, log=self._log)
        self._registered = asyncio.Event()  # the current run's Go side sent its first sign
        self._halts: set[asyncio.Future[None]] = set()
        self.receiver = Receiver(
            events=events,
            sent=sent,
            log=self._log,
            clock=clock,
            late_after=options.late_after,
            identify=self._identify,
            halt=self._halt,
        )

    async def _call(self, op: str, call: Awaitable[T], **fields: object) -> T:
        """Every call into neonize goes through here: logged with tenant and session."""
        self._log.info("neonize.call", op=op, run=self._run, **fields)
        try:
            return await call
        except Exception as exc:
            self._log.warning("neonize.call_failed", op=op, run=self._run, error=str(exc))
            raise

    async def _gated(self, call: Awaitable[T]) -> T:
        """A Go call under the Go maps' shared side (``go_maps``), until it has begun."""
        return await go_maps().run(call, queue_s=self._options.send_timeout.total_seconds())

    async def _go(self, op: str, call: Awaitable[T], **fields: object) -> T:
        """One Go call, gated and logged (``_call`` alone: a creation's, a Stop's, a send's)."""
        return await self._call(op, self._gated(call), **fields)

    def _post(self, run: int, item: object) -> None:
        """Called on the event loop, in the order neonize delivered; never awaits."""
        self._inbox.put_nowait((run, item))
        if run == self._run:
            self._registered.set()
        if isinstance(item, QrCode) and run == self._run:
            self._qr_posted += 1
            ttl = FIRST_QR_TTL if self._qr_posted == 1 else NEXT_QR_TTL
            delay = (ttl + self._options.qr_grace).total_seconds()
            if self._qr_timer is not None:
                self._qr_timer.cancel()
            ran_out = (run, QrRanOut(seen=self._qr_posted))
            self._qr_timer = asyncio.get_running_loop().call_later(
                delay, self._inbox.put_nowait, ran_out
            )

    async def _pump_loop(self) -> None:
        while self._pump is asyncio.current_task():
            run, item = await self._inbox.get()
            if run != self._run or self._neo is None:
                self._log.debug("neonize.stale_event", run=run, kind=type(item).__name__)
                continue
            try:
                await self.receiver.handle(item)
            except Exception:
                self._log.exception("neonize.event_failed", kind=type(item).__name__)

    async def connect(self) -> None:
        joined = self._starting.locked()  # asked while another connect() was starting one
        async with self._starting:  # never two underlying clients, even for racing callers
            if self._neo is not None or joined:
                self._log.info("neonize.connect_ignored", reason="a client was started meanwhile")
                return
            await self._start()

    async def _start(self) -> None:
        await self._device.prepare()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._pump_loop())
        self._run, self._qr_posted = next(_runs), 0
        self._halted.clear()
        self.receiver.reset()
        uuid = f"{self.tenant}.{self.session}.{self._run}"
        props = device_props(self._options.device_name)
        self._store_tag = secrets.token_hex(8)
        name = self._device.neonize_name_for(self._store_tag)
        self._neo = NewAClient(name, props=props, uuid=uuid)
        bind_once(self._neo, self._run, self._post)
        self._options.adopt_loop(asyncio.get_running_loop())
        self._registered.clear()
        async with (
            go_maps().creating()
        ):  # no Stop, no other creation, until this client is registered
            start = GoCallStart()
            with start.marking():  # neonize's connect task copies it: its Go call is marked
                task = await self._call("connect", self._neo.connect())
            task.add_done_callback(lambda done, run=self._run: self._post(run, RunEnded.of(done)))
            queue_s, grace_s = (
                self._options.qr_wait.total_seconds(),
                self._options.registration_grace,
            )
            if not await registered(
                start, task, self._registered, queue_s=queue_s, grace_s=grace_s
            ):
                self._log.warning("neonize.connect_never_started", waited_s=queue_s)

    async def _identify(self) -> tuple[str, str | None] | None:
        if self._neo is None:
            return None
        return own_identity(await self._go("get_me", self._neo.get_me()))

    async def _halt(self) -> None:
        """End the underlying client: no auto-reconnect, no more events from it."""
        neo, self._neo, store_tag = self._neo, None, self._store_tag
        self._halted.set()
        if self._qr_timer is not None:
            self._qr_timer.cancel()
            self._qr_timer = None
        self.receiver.reset()
        if neo is None:
            return

        async def release() -> None:
            try:
                await self._device.release(store_tag)
            except Exception as exc:  # the next run opens a store of its own all the same
                self._log.warning("neonize.store_release_failed", error=str(exc))

        halt = asyncio.ensure_future(self._stopper.stop(neo, release))
        self._halts.add(halt)  # not cut short if its caller is cancelled: disconnect awaits it
        halt.add_done_callback(self._halts.discard)
        await asyncio.shield(halt)

    async def pair_phone(self, phone: str) -> str:
        digits = phone.strip().removeprefix("+")
        if not digits.isdigit():
            raise PairingFailed(f"{phone!r} is not an international phone number", retryable=False)
        if self.receiver.connected:
            raise PairingFailed("already paired and connected", retryable=False)
        if self._neo is None:
            await self.connect()
        neo = self._neo
        if neo is None or not await self._pairing_began():
            raise PairingFailed("WhatsApp did not start pairing", retryable=True)
        try:
            code: str = await self._go("pair_phone", neo.PairPhone(digits, True))
        except PairPhoneError as exc:
            raise PairingFailed(str(exc), retryable=False) from exc
        return code

    async def _pairing_began(self) -> bool:
        """The first QR code shows neonize's client is up and pairing (PairPhone needs it)."""
        qr, halted = (
            asyncio.ensure_future(e.wait()) for e in (self.receiver.first_qr, self._halted)
        )
        timeout = self._options.qr_wait.total_seconds()
        await asyncio.wait({qr, halted}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        qr.cancel()
        halted.cancel()
        return self.receiver.first_qr.is_set() and not self._halted.is_set()

    async def download_media(self, *, media_ref: bytes) -> bytes:
        neo = self._neo
        if neo is None or not self.receiver.connected:
            raise DownloadFailed("not connected")
        try:
            message = Message.FromString(media_ref)
            data = await self._go("download_any", neo.download_any(message))
        except Exception as exc:
            raise DownloadFailed(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(data, bytes | bytearray):
            raise DownloadFailed("download_any returned no bytes")
        return bytes(data)

    async def _chat_online(self) -> NewAClient:
        neo = self._neo
        if neo is None or not self.receiver.connected or not await self._connected(neo):
            raise SendFailed("not connected", retryable=True)
        return neo

    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None:
        neo = await self._chat_online()
        call = chat_calls.mark_read(
            neo, chat_jid=chat_jid, sender_jid=sender_jid, message_ids=message_ids, read_at=read_at
        )
        await self._go("mark_read", call, chat=chat_jid, messages=len(message_ids))

    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None:
        neo = await self._chat_online()
        call = chat_calls.send_presence(neo, chat_jid=chat_jid, state=state)
        await self._go("send_chat_presence", call, chat=chat_jid, state=state)

    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        neo = await self._chat_online()
        call = chat_calls.check_numbers(neo, phones, self._gated)  # each of its Go calls
        return await self._call("is_on_whatsapp", call, numbers=len(phones))

    async def profile_picture(self, jid: str) -> bytes | None:
        neo = await self._chat_online()
        timeout = self._options.send_timeout.total_seconds()
        call = chat_calls.profile_picture(neo, jid, timeout)
        return await self._go("get_profile_picture", call, jid=jid)

    async def logout(self) -> None:
        neo = self._neo
        if neo is not None and self.receiver.connected:
            try:
                await self._go("logout", neo.logout())
            except Exception:
                self._log.warning("neonize.logout_remote_failed", then="credentials deleted here")
        else:
            self._log.warning("neonize.logout_offline", then="credentials deleted here")
        await self._halt()
        await self._device.forget()

    async def disconnect(self) -> None:
        await self._halt()
        await asyncio.gather(*self._halts, return_exceptions=True)  # one the pump began
        pump, self._pump = self._pump, None
        if pump is not None and pump is not asyncio.current_task():
            pump.cancel()  # (called from a callback on the pump itself, it ends on its own)

    async def forget(self) -> None:
        await self.disconnect()
        await self._call("forget", self._device.forget())
        await asyncio.to_thread(self._sent.forget)
