"""The session service, seen from here: SendText over request/reply; errors mapped here."""

import msgspec
from nats.aio.client import Client

from contracts.commands import CommandReply, SendText
from contracts.subjects import session_command_subject
from runtime.rpc import BackendUnavailable, request
from services.reminder.service_layer.ports import SessionUnavailable

__all__ = ["SessionClient"]

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)


class SessionClient:
    """Sends one text through a session; ``SessionUnavailable`` when nobody answers."""

    def __init__(self, nc: Client, timeout: float) -> None:
        self._nc = nc
        self._timeout = timeout

    async def send_text(self, command: SendText) -> CommandReply:
        subject = session_command_subject(command.tenant, command.session)
        try:
            data = await request(self._nc, subject, _encoder.encode(command), timeout=self._timeout)
        except BackendUnavailable as exc:
            raise SessionUnavailable(str(exc)) from exc
        return _decoder.decode(data)
