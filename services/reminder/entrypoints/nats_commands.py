"""Decodes reminder commands from ``wa.cmd.reminder.<tenant>`` and hands them on."""

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.reminders import ReminderCommand
from runtime.rpc import serve_typed
from services.reminder.service_layer.commands import CommandHandlers

__all__ = ["serve_commands"]


async def serve_commands(nc: Client, handlers: CommandHandlers) -> Subscription:
    return await serve_typed(
        nc,
        "wa.cmd.reminder.>",
        ReminderCommand,
        handlers.handle,
        queue="reminder",
        malformed="bad_command",
        invalid="validation_failed",
    )
