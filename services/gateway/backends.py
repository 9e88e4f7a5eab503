"""Typed clients of the other services, over NATS request/reply."""

import msgspec
from nats.aio.client import Client

from contracts.commands import CommandReply, SessionCommand
from contracts.queries import Query, QueryReply
from contracts.subjects import query_subject, session_command_subject
from runtime.rpc import request

_encoder = msgspec.json.Encoder()
_command_reply: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)
_query_reply: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)


class Backends:
    def __init__(self, nc: Client, timeout: float) -> None:
        self.nc = nc
        self.timeout = timeout

    async def command(self, cmd: SessionCommand) -> CommandReply:
        subject = session_command_subject(cmd.tenant, cmd.session)
        data = await request(self.nc, subject, _encoder.encode(cmd), timeout=self.timeout)
        return _command_reply.decode(data)

    async def query(self, q: Query) -> QueryReply:
        data = await request(
            self.nc, query_subject("store"), _encoder.encode(q), timeout=self.timeout
        )
        return _query_reply.decode(data)
