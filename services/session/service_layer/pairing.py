"""Pairing: QR codes (the current one, never a second client) and phone pairing codes."""

import asyncio

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.commands import Accepted, CommandReply, PairSession, Refused
from runtime.logging import get_logger
from services.session.domain import transitions
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["PairingHandlers", "accepted"]

log = get_logger(__name__)
QR_WAIT_S = 2.0  # how long a pair/get_qr reply waits for the first QR of a new client


def accepted(rt: SessionRuntime, **extra: object) -> Accepted:
    return Accepted(
        session=rt.session,
        status=rt.state.status,
        sequence=rt.last_sequence,
        **extra,  # type: ignore[arg-type]
    )


class PairingHandlers:
    """Run under the session's lock, like every command."""

    def __init__(self, lifecycle: Lifecycle) -> None:
        self.lifecycle = lifecycle
        self.core = lifecycle.core

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
            try:
                code = await rt.client.pair_phone(phone)
            except Exception as exc:
                log.warning(
                    "whatsapp.pair_phone_failed",
                    tenant=rt.tenant,
                    session=rt.session,
                    error=str(exc),
                )
                return Refused(
                    code="pairing_failed", message="WhatsApp gave no pairing code; try again"
                )
            return accepted(rt, pairing_code=code)
        return await self.get_qr(rt)

    async def get_qr(self, rt: SessionRuntime) -> CommandReply:
        if rt.state.status in ("connected", "reconnecting"):
            return Refused(code="already_connected", message="the session is connected")
        if rt.state.status != "pairing":
            return Refused(code="not_pairing", message=f"the session is {rt.state.status}")
        if rt.client is None:
            return Refused(code="pairing_expired", message="no QR any more: ask to pair again")
        await _first_qr_or_failure(rt)
        qr = rt.qr
        return accepted(rt, qr=qr.code if qr else None, qr_expires_at=qr.expires_at if qr else None)


async def _first_qr_or_failure(rt: SessionRuntime) -> None:
    """Wait up to ``QR_WAIT_S`` for the client's first QR, unless its pairing fails first."""
    waits = {asyncio.ensure_future(e.wait()) for e in (rt.qr_ready, rt.pairing_over)}
    try:
        await asyncio.wait(waits, timeout=QR_WAIT_S, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
