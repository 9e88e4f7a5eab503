"""The simulated WhatsApp's side of chats and contacts: a per-session directory of numbers
that are on WhatsApp and of profile pictures, and a log of what the session asked (read
receipts, presence, lookups), kept in files like the rest of the simulator's server."""

from datetime import UTC, datetime
from pathlib import Path

import msgspec

from contracts.chat_commands import NumberCheck, PresenceState
from contracts.simulator_chats import SimChatAction, SimNumber
from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["SimChatActions", "SimChatServer"]

_numbers = msgspec.json.Decoder(dict[str, SimNumber])
_action = msgspec.json.Decoder(SimChatAction)
_encoder = msgspec.json.Encoder()


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


class SimChatServer:
    """Files under ``<simulator>/<session>/``: numbers.json, pictures/, actions.jsonl."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, session: str) -> Path:
        path = self.root / session
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _numbers(self, session: str) -> dict[str, SimNumber]:
        path = self._dir(session) / "numbers.json"
        return _numbers.decode(path.read_bytes()) if path.exists() else {}

    def set_numbers(self, session: str, numbers: list[SimNumber], on_whatsapp: bool) -> None:
        known = self._numbers(session)
        for number in numbers:
            if on_whatsapp:
                known[_digits(number.phone)] = number
            else:
                known.pop(_digits(number.phone), None)
        tmp = self._dir(session) / "numbers.json.tmp"
        tmp.write_bytes(_encoder.encode(known))
        tmp.replace(self._dir(session) / "numbers.json")

    def lookup(self, session: str, phones: list[str]) -> list[NumberCheck]:
        known = self._numbers(session)
        out = []
        for phone in phones:
            number = known.get(_digits(phone))
            jid = f"{_digits(phone)}@s.whatsapp.net" if number else None
            lid = number.lid if number else None
            out.append(NumberCheck(input=phone, on_whatsapp=number is not None, jid=jid, lid=lid))
        return out

    def _picture_path(self, session: str, jid: str) -> Path:
        return self._dir(session) / "pictures" / jid.replace("/", "_")

    def set_picture(self, session: str, jid: str, data: bytes | None) -> None:
        path = self._picture_path(session, jid)
        if data is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def picture(self, session: str, jid: str) -> bytes | None:
        path = self._picture_path(session, jid)
        return path.read_bytes() if path.exists() else None

    def record(self, session: str, action: SimChatAction) -> None:
        with (self._dir(session) / "actions.jsonl").open("ab") as f:
            f.write(_encoder.encode(action) + b"\n")

    def actions(self, session: str) -> list[SimChatAction]:
        path = self._dir(session) / "actions.jsonl"
        if not path.exists():
            return []
        lines = path.read_bytes().splitlines()
        return [_action.decode(line) for line in lines if line.endswith(b"}")]


class SimChatActions:
    """The chat part of a simulated client (mixed into SimClient): refused unless online."""

    session: str
    state: str
    chats: SimChatServer

    def _online(self, kind: str) -> None:
        if self.state != "online":
            raise SendFailed(f"not connected: no {kind}")

    def _record(self, **fields: object) -> None:
        action = msgspec.convert({**fields, "at": datetime.now(UTC)}, SimChatAction)
        self.chats.record(self.session, action)

    async def mark_read(
        self, *, chat_jid: str, sender_jid: str | None, message_ids: list[str], read_at: datetime
    ) -> None:
        self._online("read receipt")
        self._record(kind="read", chat_jid=chat_jid, sender_jid=sender_jid, message_ids=message_ids)

    async def send_presence(self, *, chat_jid: str, state: PresenceState) -> None:
        self._online("presence")
        self._record(kind="presence", chat_jid=chat_jid, state=state)

    async def check_numbers(self, phones: list[str]) -> list[NumberCheck]:
        self._online("number check")
        self._record(kind="check", phones=phones)
        return self.chats.lookup(self.session, phones)

    async def profile_picture(self, jid: str) -> bytes | None:
        self._online("profile picture")
        self._record(kind="picture", chat_jid=jid)
        return self.chats.picture(self.session, jid)
