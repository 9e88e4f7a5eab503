"""The simulator's "WhatsApp server": paired devices, accepted sends and undelivered incoming
messages, kept in files under the data folder so they survive a SIGKILL of the service."""

import json
from pathlib import Path

import msgspec

from contracts.simulator import SimSentMessage
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.adapters.whatsapp.simulator.chats import SimChatServer

__all__ = ["Device", "SimServer"]

_incoming = msgspec.json.Decoder(IncomingMessage)
_sent = msgspec.json.Decoder(SimSentMessage)
_encoder = msgspec.json.Encoder()


class Device(msgspec.Struct, frozen=True, kw_only=True):
    jid: str
    phone: str


class SimServer:
    """Server-side state per session; a message id is accepted once (WhatsApp de-duplicates)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.chats = SimChatServer(root)
        self._accepted: dict[str, set[str]] = {}

    def _dir(self, session: str) -> Path:
        path = self.root / session
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _append(self, session: str, name: str, data: bytes) -> None:
        with (self._dir(session) / name).open("ab") as f:
            f.write(data + b"\n")
            f.flush()

    def _lines(self, session: str, name: str) -> list[bytes]:
        path = self._dir(session) / name
        if not path.exists():
            return []
        return [line for line in path.read_bytes().splitlines() if line.endswith(b"}")]

    def device(self, session: str) -> Device | None:
        path = self._dir(session) / "device.json"
        return msgspec.json.decode(path.read_bytes(), type=Device) if path.exists() else None

    def pair(self, session: str, phone: str) -> Device:
        digits = "".join(ch for ch in phone if ch.isdigit())
        device = Device(jid=f"{digits}:{len(digits) % 50 + 2}@s.whatsapp.net", phone="+" + digits)
        tmp = self._dir(session) / "device.json.tmp"
        tmp.write_bytes(_encoder.encode(device))
        tmp.replace(self._dir(session) / "device.json")
        return device

    def unpair(self, session: str) -> None:
        (self._dir(session) / "device.json").unlink(missing_ok=True)

    def accept_send(self, session: str, message: SimSentMessage) -> bool:
        """Record a send; False if this message id was already accepted (nothing new sent)."""
        accepted = self._accepted_ids(session)
        if message.message_id in accepted:
            return False
        self._append(session, "sent.jsonl", _encoder.encode(message))
        accepted.add(message.message_id)
        return True

    def _accepted_ids(self, session: str) -> set[str]:
        if session not in self._accepted:
            self._accepted[session] = {m.message_id for m in self.sent(session)}
        return self._accepted[session]

    def sent(self, session: str) -> list[SimSentMessage]:
        return [_sent.decode(line) for line in self._lines(session, "sent.jsonl")]

    def push_incoming(self, session: str, message: IncomingMessage) -> None:
        self._append(session, "inbox.jsonl", _encoder.encode(message))

    def ack_incoming(self, session: str, message_id: str) -> None:
        self._append(session, "acked.jsonl", json.dumps({"id": message_id}).encode())

    def put_media(self, session: str, message_id: str, data: bytes) -> None:
        """Keep the bytes of a file the phone sends, as WhatsApp's media servers would."""
        folder = self._dir(session) / "media"
        folder.mkdir(exist_ok=True)
        tmp = folder / f"{message_id}.tmp"
        tmp.write_bytes(data)
        tmp.replace(folder / message_id)

    def media(self, session: str, message_id: str) -> bytes | None:
        path = self._dir(session) / "media" / message_id
        return path.read_bytes() if path.exists() else None

    def undelivered(self, session: str) -> list[IncomingMessage]:
        acked = {json.loads(line)["id"] for line in self._lines(session, "acked.jsonl")}
        inbox = [_incoming.decode(line) for line in self._lines(session, "inbox.jsonl")]
        return [m for m in inbox if m.message_id not in acked]
