"""Decodes reminder commands from ``wa.cmd.reminder.<tenant>`` and hands them on."""

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.commands import Refused
from contracts.reminders import ReminderCommand, ReminderReply
from runtime.rpc import serve
from services.reminder.service_layer.commands import CommandHandlers

__all__ = ["serve_commands"]

_decoder = msgspec.json.Decoder(ReminderCommand)
_encoder = msgspec.json.Encoder()


async def serve_commands(nc: Client, handlers: CommandHandlers) -> Subscription:
    async def on_request(data: bytes) -> bytes:
        reply: ReminderReply
        try:
            command = _decoder.decode(data)
        except msgspec.ValidationError as exc:
            reply = Refused(code="validation_failed", message=str(exc))
        except msgspec.DecodeError as exc:
            reply = Refused(code="bad_command", message=str(exc))
        else:
            reply = await handlers.handle(command)
        return _encoder.encode(reply)

    return await serve(nc, "wa.cmd.reminder.>", on_request, queue="reminder")
