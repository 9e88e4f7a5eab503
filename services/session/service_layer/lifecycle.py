"""Starting and stopping a session's one client, and reacting to what the client reports."""

import asyncio
from datetime import datetime

import msgspec

from contracts.addresses import InvalidAddress, parse_address
from contracts.events.session import LogoutReason, PairingFailureReason
from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import DropReason
from services.session.domain import transitions
from services.session.service_layer.group_sync import sync_groups
from services.session.service_layer.outbox import run_outbox
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import LiveQr, SessionRuntime
from services.session.service_layer.sink import ClientSink

__all__ = ["Lifecycle"]

log = get_logger(__name__)
_encoder = msgspec.json.Encoder()


class Lifecycle:
    """Every method that changes a session runs under its lock (the caller's or its own)."""

    def __init__(self, core: OwnedSessions) -> None:
        self.core = core

    def ensure_outbox(self, rt: SessionRuntime) -> None:
        if rt.outbox_task is None or rt.outbox_task.done():
            rt.outbox_task = self.core.spawn(run_outbox(self.core, rt))

    async def start_client(self, rt: SessionRuntime) -> None:
        """Replace any previous client by a new one; its events are bound once, here."""
        await self.stop_client(rt)
        rt.generation += 1
        sink = ClientSink(self, rt, rt.generation)
        rt.client = self.core.deps.port.new_client(
            tenant=rt.tenant, session=rt.session, events=sink
        )
        self.ensure_outbox(rt)
        if rt.state.status == "pairing":
            self.core.spawn(self._watch_pairing(rt, rt.generation))
        await self.connect(rt)

    async def _watch_pairing(self, rt: SessionRuntime, gen: int) -> None:
        """From connect() to the first QR code or the connection: a client that shows
        neither in time ends the pairing (``timeout``) instead of leaving it hanging."""
        signs = (rt.qr_ready, rt.online)
        waits = {asyncio.ensure_future(sign.wait()) for sign in signs}
        try:
            timeout = self.core.deps.pairing_start_timeout_s
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        if not any(sign.is_set() for sign in signs):
            await self.pairing_failed(rt, gen, "timeout", "no QR code and no connection")

    async def connect(self, rt: SessionRuntime) -> None:
        """Connect the current client; a failure counts as a drop, so the policy decides."""
        if rt.client is None:
            return
        try:
            await rt.client.connect()
        except Exception as exc:
            log.warning(
                "whatsapp.connect_failed", tenant=rt.tenant, session=rt.session, error=str(exc)
            )
            self.core.spawn(self.dropped(rt, rt.generation, "connect_failure"))

    async def stop_client(self, rt: SessionRuntime) -> None:
        rt.cancel_retry()
        rt.online.clear()
        rt.qr, rt.qr_ready, rt.pairing_over = None, asyncio.Event(), asyncio.Event()
        client, rt.client = rt.client, None
        if client is not None:
            await client.disconnect()

    async def release(self, rt: SessionRuntime) -> None:
        """Stop everything of a session this instance no longer holds. A send under way is
        abandoned first, so that nothing is recorded for it from here once the session is
        not ours and the client stops at once, not after a large file's upload. The message
        stays queued in the log for the next owner, as after a crash."""
        if rt.outbox_task is not None:
            rt.outbox_task.cancel()
        if rt.chat is not None:
            rt.chat.stop()
        async with rt.lock:
            await self.stop_client(rt)
        self.core.runtimes.pop(rt.session, None)

    async def qr(self, rt: SessionRuntime, gen: int, code: str, expires_at: datetime) -> None:
        if gen != rt.generation or rt.state.status != "pairing":
            return
        rt.qr = LiveQr(code=code, expires_at=expires_at)
        rt.qr_ready.set()
        body = _encoder.encode({"qr": code, "expires_at": expires_at})
        await self.core.deps.publish_live(rt.tenant, rt.session, "qr", body)

    async def connected(
        self, rt: SessionRuntime, gen: int, jid: str, push_name: str | None
    ) -> None:
        async with rt.lock:
            if gen != rt.generation:
                return
            try:
                phone = parse_address(jid).phone_number or ""
            except InvalidAddress:
                phone = ""
            events = transitions.connected(
                rt.state, jid=jid, phone_number=phone, push_name=push_name
            )
            await self.core.append(rt, events)
            if rt.state.status == "connected":
                rt.qr = None
                rt.online.set()
                self.core.spawn(self.core.downloads.resume(rt))
                self.core.spawn(sync_groups(self.core, rt))

    async def dropped(self, rt: SessionRuntime, gen: int, reason: DropReason) -> None:
        if gen == rt.generation and rt.state.status == "pairing":
            rt.pairing_over.set()  # a drop while pairing ends it
        async with rt.lock:
            if gen != rt.generation:
                return
            rt.online.clear()
            if rt.state.status == "pairing":
                why: PairingFailureReason = (
                    "client_outdated" if reason == "client_outdated" else "connect_failed"
                )
                await self._end_pairing(rt, why, f"dropped: {reason}")
                return
            deps = self.core.deps
            events = transitions.dropped(
                rt.state, reason, now=deps.now(), policy=deps.reconnect, rand=deps.rand
            )
            await self.core.append(rt, events)
            if rt.state.status == "needs_attention":
                await self.stop_client(rt)
            elif rt.state.status == "reconnecting" and events:
                retry_at = getattr(events[0], "retry_at", None) or deps.now()
                rt.retry_task = self.core.spawn(self._retry(rt, gen, retry_at))

    async def pairing_failed(
        self, rt: SessionRuntime, gen: int, reason: PairingFailureReason, detail: str | None
    ) -> None:
        if gen == rt.generation:
            rt.pairing_over.set()
        async with rt.lock:
            if gen == rt.generation:
                await self._end_pairing(rt, reason, detail)

    async def _end_pairing(
        self, rt: SessionRuntime, reason: PairingFailureReason, detail: str | None
    ) -> None:
        events = transitions.pairing_failed(rt.state, reason, detail)
        if not events:
            return
        log.warning(
            "pairing.failed", tenant=rt.tenant, session=rt.session, reason=reason, detail=detail
        )
        await self.core.append(rt, events)
        await self.stop_client(rt)

    async def _retry(self, rt: SessionRuntime, gen: int, retry_at: datetime) -> None:
        delay = (retry_at - self.core.deps.now()).total_seconds()
        await asyncio.sleep(max(0.0, delay))
        async with rt.lock:
            if gen != rt.generation or rt.state.status != "reconnecting" or rt.client is None:
                return
            rt.retry_task = None
            await self.connect(rt)

    async def logged_out(
        self, rt: SessionRuntime, gen: int, reason: LogoutReason, detail: str | None
    ) -> None:
        async with rt.lock:
            if gen != rt.generation:
                return
            rt.online.clear()
            await self.core.append(rt, transitions.logged_out(rt.state, reason, detail))
            await self.stop_client(rt)
