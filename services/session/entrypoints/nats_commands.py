"""Decodes command requests into typed commands; a command for a session another instance
holds is forwarded to that instance, so one session is only ever run in one place."""

import msgspec
from nats.aio.client import Client
from nats.aio.subscription import Subscription

from contracts.commands import CommandReply, CreateSession, Refused, SessionCommand
from contracts.subjects import instance_command_subject
from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable, refusing_failures, request, serve
from services.session.service_layer.commands import NOT_FOUND, CommandHandlers
from services.session.service_layer.ownership import Ownership

__all__ = ["serve_commands"]

log = get_logger(__name__)
_decoder = msgspec.json.Decoder(SessionCommand)
_reply_decoder: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)
_encoder = msgspec.json.Encoder()


async def serve_commands(
    nc: Client, handlers: CommandHandlers, ownership: Ownership, timeout: float
) -> list[Subscription]:
    me = ownership.leases.instance

    async def local(command: SessionCommand) -> CommandReply:
        reply = await handlers.handle(command)
        rt = handlers.core.runtimes.get(command.session)
        if rt is None or rt.state.status == "deleted":  # nothing left to hold
            handlers.core.runtimes.pop(command.session, None)
            await ownership.forget(command.session)
        return reply

    async def route(command: SessionCommand, data: bytes, forwarded: bool) -> CommandReply:
        session = command.session
        if session in handlers.core.runtimes:
            return await local(command)
        is_new = isinstance(command, CreateSession)
        if await ownership.take(session, new=is_new) is not None or (
            is_new and ownership.leases.holds(session)
        ):
            return await local(command)
        owner = await ownership.leases.owner(session)
        if owner is None or owner == me or forwarded:
            return NOT_FOUND
        try:
            raw = await request(
                nc, instance_command_subject(owner, command.tenant, session), data, timeout=timeout
            )
        except BackendUnavailable:
            return Refused(code="unavailable", message="the session's owner is not answering")
        return _reply_decoder.decode(raw)

    def make_handler(forwarded: bool):  # type: ignore[no-untyped-def]
        async def on_request(data: bytes) -> bytes:
            reply: CommandReply
            try:
                command = _decoder.decode(data)
            except msgspec.DecodeError as exc:
                reply = Refused(code="bad_command", message=str(exc))
            else:
                reply = await route(command, data, forwarded)
            return _encoder.encode(reply)

        return on_request

    mine = instance_command_subject(me, "*", "*")
    return [
        await serve(
            nc, "wa.cmd.session.>", refusing_failures("wa.cmd.session", make_handler(False)),
            queue="session",
        ),
        await serve(nc, mine, refusing_failures(mine, make_handler(True)), queue=me),
    ]  # fmt: skip
