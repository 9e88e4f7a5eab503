"""Command handlers: each answers at once, with Accepted or a Refused with a stable code."""

import asyncio
import contextlib

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.commands import (
    Accepted,
    CommandReply,
    CreateSession,
    DeleteSession,
    GetQr,
    LogoutSession,
    PairSession,
    ReconnectSession,
    Refused,
    SendText,
    SessionCommand,
)
from contracts.events import SessionCreated
from contracts.ids import is_valid_id, new_id
from services.session.domain import transitions
from services.session.domain.session import Session
from services.session.domain.transitions import Refusal
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.runtime import SessionRuntime

__all__ = ["NOT_FOUND", "CommandHandlers"]

NOT_FOUND = Refused(code="not_found", message="no such session")
QR_WAIT_S = 2.0


class CommandHandlers:
    """Commands for one session are serialized by its lock."""

    def __init__(self, lifecycle: Lifecycle) -> None:
        self.lifecycle = lifecycle
        self.core = lifecycle.core

    async def handle(self, cmd: SessionCommand) -> CommandReply:
        if isinstance(cmd, CreateSession):
            return await self.create(cmd)
        rt = self.core.find(cmd.tenant, cmd.session)
        if rt is None:
            return NOT_FOUND
        async with rt.lock:
            if rt.state.status == "deleted":
                return NOT_FOUND
            try:
                return await self._dispatch(rt, cmd)
            except Refusal as refusal:
                return Refused(code=refusal.code, message=refusal.message)

    async def _dispatch(self, rt: SessionRuntime, cmd: SessionCommand) -> CommandReply:
        match cmd:
            case PairSession():
                return await self.pair(rt, cmd)
            case GetQr():
                return await self.get_qr(rt)
            case LogoutSession():
                await self.core.append(rt, transitions.logout(rt.state), cmd.correlation_id)
                if rt.client is not None:
                    await rt.client.logout()
                await self.lifecycle.stop_client(rt)
            case ReconnectSession():
                await self.core.append(rt, transitions.reconnect(rt.state), cmd.correlation_id)
                await self.lifecycle.start_client(rt)
            case DeleteSession():
                await self.core.append(rt, transitions.delete(rt.state), cmd.correlation_id)
                if rt.client is not None:
                    await rt.client.logout()
                    await rt.client.forget()
                await self.lifecycle.stop_client(rt)
            case SendText():
                return await self.send(rt, cmd)
            case _:
                return Refused(code="bad_command", message="unknown command")
        return self._accepted(rt)

    def _accepted(self, rt: SessionRuntime, **extra: object) -> Accepted:
        return Accepted(
            session=rt.session,
            status=rt.state.status,
            sequence=rt.last_sequence,
            **extra,  # type: ignore[arg-type]
        )

    async def create(self, cmd: CreateSession) -> CommandReply:
        if cmd.session in self.core.runtimes:
            return Refused(code="already_exists", message="session already exists")
        if not cmd.name.strip():
            return Refused(code="invalid_name", message="a session needs a name")
        rt = self.core.adopt(Session(tenant=cmd.tenant, session=cmd.session, pacing=cmd.pacing))
        try:
            async with rt.lock:
                event = SessionCreated(name=cmd.name, pacing=cmd.pacing)
                await self.core.append(rt, [event], cmd.correlation_id)
        except BaseException:
            self.core.runtimes.pop(cmd.session, None)
            raise
        self.lifecycle.ensure_outbox(rt)
        return self._accepted(rt)

    async def pair(self, rt: SessionRuntime, cmd: PairSession) -> CommandReply:
        phone = None
        if cmd.method == "phone":
            try:
                address = parse_address(cmd.phone or "", self.core.deps.default_region)
            except InvalidAddress as exc:
                return Refused(
                    code="invalid_phone", message=exc.message, details={"reason": exc.reason}
                )
            if address.kind != AddressKind.USER or address.phone_number is None:
                return Refused(code="invalid_phone", message="pairing needs a phone number")
            phone = address.phone_number
        if rt.state.status != "pairing":
            events = transitions.start_pairing(rt.state, cmd.method, phone)
            await self.core.append(rt, events, cmd.correlation_id)
            await self.lifecycle.start_client(rt)
        elif rt.client is None:  # pairing, but its client did not survive a restart
            await self.lifecycle.start_client(rt)
        if phone is not None and rt.client is not None:
            code = await rt.client.pair_phone(phone)
            return self._accepted(rt, pairing_code=code)
        return await self.get_qr(rt)

    async def get_qr(self, rt: SessionRuntime) -> CommandReply:
        if rt.state.status in ("connected", "reconnecting"):
            return Refused(code="already_connected", message="the session is connected")
        if rt.state.status != "pairing":
            return Refused(code="not_pairing", message=f"the session is {rt.state.status}")
        if rt.client is None:
            return Refused(code="pairing_expired", message="no QR any more: ask to pair again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rt.qr_ready.wait(), QR_WAIT_S)
        qr = rt.qr
        return self._accepted(
            rt, qr=qr.code if qr else None, qr_expires_at=qr.expires_at if qr else None
        )

    async def send(self, rt: SessionRuntime, cmd: SendText) -> CommandReply:
        try:
            address = parse_address(cmd.to, self.core.deps.default_region)
        except InvalidAddress as exc:
            return Refused(
                code="invalid_address", message=exc.message, details={"reason": exc.reason}
            )
        if not cmd.text:
            return Refused(code="invalid_text", message="the text is empty")
        message_id = cmd.message_id or new_id()
        if not is_valid_id(message_id):
            return Refused(code="invalid_message_id", message="message ids are [A-Za-z0-9_-]{1,64}")
        if rt.state.knows_message(message_id):  # a retried command: nothing new is queued
            return Accepted(session=rt.session, message_id=message_id, status="queued")
        events = transitions.queue_send(
            rt.state,
            message_id=message_id,
            chat_jid=address.jid,
            text=cmd.text,
            reminder_id=cmd.reminder_id,
        )
        await self.core.append(rt, events, cmd.correlation_id)
        return Accepted(
            session=rt.session, message_id=message_id, status="queued", sequence=rt.last_sequence
        )
