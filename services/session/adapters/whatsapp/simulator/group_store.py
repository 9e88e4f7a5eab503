"""The simulator's groups on its "WhatsApp server": every group a session's number has seen,
kept in a file beside the session's other server state so it survives a restart."""

import secrets
from pathlib import Path

import msgspec

from contracts.events.group import GroupParticipant
from services.session.adapters.whatsapp.groups import GroupInfo

__all__ = ["SimGroupStore", "StoredGroup", "new_invite_code", "user_jid"]


class StoredGroup(msgspec.Struct, kw_only=True):
    info: GroupInfo
    invite_code: str


_groups = msgspec.json.Decoder(dict[str, StoredGroup])
_encoder = msgspec.json.Encoder()


def user_jid(device_jid: str) -> str:
    """``2010…:12@s.whatsapp.net`` → ``2010…@s.whatsapp.net``."""
    user, _, server = device_jid.partition("@")
    return f"{user.split(':', 1)[0]}@{server}"


def new_invite_code() -> str:
    return secrets.token_urlsafe(16)


class SimGroupStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, session: str) -> Path:
        folder = self.root / session
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "groups.json"

    def all(self, session: str) -> dict[str, StoredGroup]:
        path = self._path(session)
        return _groups.decode(path.read_bytes()) if path.exists() else {}

    def get(self, session: str, jid: str) -> StoredGroup | None:
        return self.all(session).get(jid)

    def put(self, session: str, group: StoredGroup) -> None:
        groups = self.all(session)
        groups[group.info.jid] = group
        tmp = self._path(session).with_suffix(".tmp")
        tmp.write_bytes(_encoder.encode(groups))
        tmp.replace(self._path(session))

    def create(self, session: str, subject: str, owner: str, members: list[str]) -> StoredGroup:
        jid = f"120363{secrets.randbelow(10**12):012d}@g.us"
        people = [GroupParticipant(jid=owner, is_admin=True, is_super_admin=True)]
        people += [GroupParticipant(jid=m) for m in members if m != owner]
        info = GroupInfo(jid=jid, subject=subject, owner_jid=owner, participants=people)
        group = StoredGroup(info=info, invite_code=new_invite_code())
        self.put(session, group)
        return group
