"""Drives the simulator over NATS request/reply on ``sim_subject(verb)``."""

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.simulator import (
    SimDrop,
    SimFailSends,
    SimIncoming,
    SimReceipt,
    SimReply,
    SimScan,
    SimSent,
    SimSentReply,
)
from contracts.subjects import sim_subject
from runtime.rpc import serve
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.adapters.whatsapp.simulator.client import SimClient
from services.session.adapters.whatsapp.simulator.port import SimulatorPort

__all__ = ["serve_simulator"]

_encoder = msgspec.json.Encoder()
NO_CLIENT = SimReply(ok=False, error="no_client")


def incoming_message(req: SimIncoming) -> IncomingMessage:
    """Build what WhatsApp would deliver; raises InvalidAddress for a bad sender."""
    sender = parse_address(req.sender)
    phone_jid = parse_address(req.sender_phone).jid if req.sender_phone else None
    if sender.kind == AddressKind.USER:
        phone_jid = sender.jid
    lid = sender.jid if sender.kind == AddressKind.LID else None
    group = parse_address(req.group).jid if req.group else None
    now = datetime.now(UTC)
    return IncomingMessage(
        message_id=req.message_id or "3EB0" + secrets.token_hex(8).upper(),
        chat_jid=group or sender.jid,
        sender_jid=sender.jid,
        sender_phone_jid=phone_jid,
        sender_lid=lid,
        push_name=req.push_name,
        is_group=group is not None,
        text=req.text,
        sent_at=now - timedelta(hours=1) if req.old else now,
        is_offline=req.old,
    )


class SimControl:
    def __init__(self, port: SimulatorPort) -> None:
        self.port = port

    def _client(self, session: str) -> SimClient | None:
        return self.port.clients.get(session)

    async def scan(self, req: SimScan) -> SimReply:
        client = self._client(req.session)
        if client is None or not client.scan(req.phone):
            return SimReply(ok=False, error="not_pairing")
        return SimReply(ok=True)

    async def incoming(self, req: SimIncoming) -> SimReply:
        try:
            message = incoming_message(req)
        except InvalidAddress as exc:
            return SimReply(ok=False, error=f"invalid_address: {exc.reason}")
        self.port.server.push_incoming(req.session, message)
        client = self._client(req.session)
        delivered = client is not None and await client.deliver(message)
        return SimReply(
            ok=True, message_id=message.message_id, error=None if delivered else "queued"
        )

    async def receipt(self, req: SimReceipt) -> SimReply:
        client = self._client(req.session)
        ok = client is not None and await client.receipt(req.message_id, req.status)
        return SimReply(ok=ok, error=None if ok else "unknown_message_or_offline")

    async def drop(self, req: SimDrop) -> SimReply:
        client = self._client(req.session)
        if client is None:
            return NO_CLIENT
        await client.drop(req.reason)
        return SimReply(ok=True)

    async def fail_sends(self, req: SimFailSends) -> SimReply:
        client = self._client(req.session)
        if client is None:
            return NO_CLIENT
        client.fail_next_sends = req.count
        return SimReply(ok=True)

    async def sent(self, req: SimSent) -> SimSentReply:
        client = self._client(req.session)
        return SimSentReply(
            sent=self.port.server.sent(req.session),
            send_calls=self.port.total_sends(req.session),
            clients_created=self.port.clients_created.get(req.session, 0),
            connect_calls=self.port.total_connects(req.session),
            connected=client is not None and client.state == "online",
            pairing=client is not None and client.state == "pairing",
        )


def _route(
    kind: type[Any], method: Callable[[Any], Awaitable[Any]]
) -> Callable[[bytes], Awaitable[bytes]]:
    decoder = msgspec.json.Decoder(kind)

    async def handle(data: bytes) -> bytes:
        try:
            request = decoder.decode(data)
        except msgspec.DecodeError as exc:
            return _encoder.encode(SimReply(ok=False, error=f"bad_request: {exc}"))
        return _encoder.encode(await method(request))

    return handle


async def serve_simulator(nc: Client, port: SimulatorPort) -> list[Subscription]:
    """Answer the simulator's verbs: scan, incoming, receipt, drop, fail-sends, sent."""
    control = SimControl(port)
    routes: dict[str, tuple[type[Any], Callable[[Any], Awaitable[Any]]]] = {
        "scan": (SimScan, control.scan),
        "incoming": (SimIncoming, control.incoming),
        "receipt": (SimReceipt, control.receipt),
        "drop": (SimDrop, control.drop),
        "fail-sends": (SimFailSends, control.fail_sends),
        "sent": (SimSent, control.sent),
    }
    return [
        await serve(nc, sim_subject(verb), _route(kind, method), queue="simulator")
        for verb, (kind, method) in routes.items()
    ]
