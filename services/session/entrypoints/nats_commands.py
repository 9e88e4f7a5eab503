"""Decodes command requests into typed commands and hands them to the handlers."""

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.commands import CommandReply, Refused, SessionCommand
from runtime.rpc import serve
from services.session.service_layer.handlers import SessionHandlers

_decoder = msgspec.json.Decoder(SessionCommand)
_encoder = msgspec.json.Encoder()


async def serve_commands(nc: Client, handlers: SessionHandlers) -> Subscription:
    async def on_request(data: bytes) -> bytes:
        reply: CommandReply
        try:
            command = _decoder.decode(data)
        except msgspec.DecodeError as exc:
            reply = Refused(code="bad_command", message=str(exc))
        else:
            reply = await handlers.handle(command)
        return _encoder.encode(reply)

    return await serve(nc, "wa.cmd.session.>", on_request, queue="session")
