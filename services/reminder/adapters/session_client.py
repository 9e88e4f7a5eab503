"""The session service, seen from here: SendText over request/reply (any ``Requests``)."""

import msgspec

from contracts.commands import CommandReply, SendText
from contracts.subjects import session_command_subject
from runtime.messaging import Requests

__all__ = ["SessionClient"]

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[CommandReply] = msgspec.json.Decoder(CommandReply)


class SessionClient:
    """Sends one text through a session; ``BackendUnavailable`` when nobody answers."""

    def __init__(self, requests: Requests, timeout: float) -> None:
        self._requests = requests
        self._timeout = timeout

    async def send_text(self, command: SendText) -> CommandReply:
        subject = session_command_subject(command.tenant, command.session)
        data = await self._requests.request(
            subject, _encoder.encode(command), timeout=self._timeout
        )
        return _decoder.decode(data)
