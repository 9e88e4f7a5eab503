"""Drives the simulator over NATS request/reply on ``sim_subject(verb)``."""

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.addresses import InvalidAddress
from contracts.simulator import (
    SimDrop,
    SimFailConnects,
    SimFailDownloads,
    SimFailPairing,
    SimFailSends,
    SimIncoming,
    SimReceipt,
    SimReply,
    SimScan,
    SimSent,
    SimSentReply,
)
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from contracts.simulator_groups import SimGroup
from contracts.subjects import sim_subject
from runtime.rpc import BackendUnavailable, request, serve
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.adapters.whatsapp.simulator.chat_control import chat_routes
from services.session.adapters.whatsapp.simulator.client import SimClient
from services.session.adapters.whatsapp.simulator.group_control import group_verb
from services.session.adapters.whatsapp.simulator.media_in import (
    NoMediaBytes,
    ObjectReader,
    media_bytes,
    sim_descriptor,
)
from services.session.adapters.whatsapp.simulator.phone import (
    PhoneAction,
    action_message,
    incoming_message,
)
from services.session.adapters.whatsapp.simulator.port import SimulatorPort

__all__ = ["serve_simulator"]

_encoder = msgspec.json.Encoder()
NO_CLIENT = SimReply(ok=False, error="no_client")


class SimControl:
    def __init__(self, port: SimulatorPort, read_object: ObjectReader | None = None) -> None:
        self.port = port
        self.read_object = read_object

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
        if req.media is not None:
            try:
                data = await media_bytes(req.media, self.read_object)
            except NoMediaBytes as exc:
                return SimReply(ok=False, error=f"bad_request: {exc}")
            self.port.server.put_media(req.session, message.message_id, data)
            media = sim_descriptor(req.media, data, req.text or None)
            message = msgspec.structs.replace(
                message, media=media, media_kind=media.kind, text=req.text or None,
                media_ref=message.message_id.encode(),
            )  # fmt: skip
        return await self._deliver(req.session, message)

    async def _deliver(self, session: str, message: IncomingMessage) -> SimReply:
        """Delivered now if the client is online, else when it next comes online."""
        self.port.server.push_incoming(session, message)
        client = self._client(session)
        delivered = client is not None and await client.deliver(message)
        return SimReply(
            ok=True, message_id=message.message_id, delivery="delivered" if delivered else "queued"
        )

    async def act(self, req: PhoneAction) -> SimReply:
        """The phone's side reacts to, edits or revokes a message."""
        try:
            message = action_message(req)
        except InvalidAddress as exc:
            return SimReply(ok=False, error=f"invalid_address: {exc.reason}")
        return await self._deliver(req.session, message)

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

    def _fail_next(self, session: str, what: str, count: int) -> SimReply:
        client = self._client(session)
        if client is None:
            return NO_CLIENT
        setattr(client, f"fail_next_{what}", count)
        return SimReply(ok=True)

    async def fail_sends(self, req: SimFailSends) -> SimReply:
        return self._fail_next(req.session, "sends", req.count)

    async def fail_downloads(self, req: SimFailDownloads) -> SimReply:
        return self._fail_next(req.session, "downloads", req.count)

    async def fail_connects(self, req: SimFailConnects) -> SimReply:
        return self._fail_next(req.session, "connects", req.count)

    async def fail_pairing(self, req: SimFailPairing) -> SimReply:
        client = self._client(req.session)
        if client is not None and client.state == "pairing":
            await client.fail_pairing(req.fault)
        else:
            self.port.pairing_faults[req.session] = req.fault
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


Locate = Callable[[str], Awaitable[str | None]]
"""The instance that runs a session's client (its lease holder), or None."""


async def serve_simulator(
    nc: Client,
    port: SimulatorPort,
    *,
    instance: str = "",
    locate: Locate | None = None,
    read_object: ObjectReader | None = None,
) -> list[Subscription]:
    """Answer the simulator's verbs: scan, incoming, receipt, drop, fail-sends, sent. A verb for
    a session whose client runs in another instance is forwarded there."""
    control = SimControl(port, read_object)
    routes: dict[str, tuple[type[Any], Callable[[Any], Awaitable[Any]]]] = {
        "scan": (SimScan, control.scan),
        "incoming": (SimIncoming, control.incoming),
        "receipt": (SimReceipt, control.receipt),
        "drop": (SimDrop, control.drop),
        "fail-sends": (SimFailSends, control.fail_sends),
        "fail-connects": (SimFailConnects, control.fail_connects),
        "fail-downloads": (SimFailDownloads, control.fail_downloads),
        "fail-pairing": (SimFailPairing, control.fail_pairing),
        "sent": (SimSent, control.sent),
        "group": (SimGroup, lambda req: group_verb(port, req)),
        "react": (SimReact, control.act),
        "edit": (SimEdit, control.act),
        "revoke": (SimRevoke, control.act),
        **chat_routes(port.server.chats),
    }

    def route(
        verb: str, kind: type[Any], method: Callable[[Any], Awaitable[Any]], direct: bool
    ) -> Callable[[bytes], Awaitable[bytes]]:
        decoder = msgspec.json.Decoder(kind)

        async def handle(data: bytes) -> bytes:
            try:
                req = decoder.decode(data)
            except msgspec.DecodeError as exc:
                return _encoder.encode(SimReply(ok=False, error=f"bad_request: {exc}"))
            if not direct and locate is not None and req.session not in port.clients:
                owner = await locate(req.session)
                if owner and owner != instance:
                    with contextlib.suppress(BackendUnavailable):
                        return await request(nc, sim_subject(f"{verb}.{owner}"), data, timeout=10)
            return _encoder.encode(await method(req))

        return handle

    subs: list[Subscription] = []
    for verb, (kind, method) in routes.items():
        served = [
            (verb, "sim", False),
            *([(f"{verb}.{instance}", instance, True)] * bool(instance)),
        ]
        for subject, queue, direct in served:
            handler = route(verb, kind, method, direct)
            subs.append(await serve(nc, sim_subject(subject), handler, queue=queue))
    return subs
