"""What the service remembers about groups between calls: the snapshot last logged for each
group (so a reconnect logs only what changed), and the answers of recent group operations
(so a retried operation is answered again, not run again). In memory: after a restart a
snapshot is logged once more (the projection is unchanged by it) and the gateway's
Idempotency-Key record answers retries. The groups a session is in are its state's
(``Session.groups``, rebuilt from its events), so they outlive a restart."""

import hashlib
from collections import OrderedDict

import msgspec

from contracts.commands import CommandReply
from services.session.adapters.whatsapp.groups import GroupInfo

__all__ = ["GroupMemory", "fingerprint"]

_encoder = msgspec.json.Encoder()
REMEMBERED_OPERATIONS = 2000


def fingerprint(info: GroupInfo) -> str:
    """The same group content gives the same digest, whatever the participants' order."""
    ordered = msgspec.structs.replace(
        info, participants=sorted(info.participants, key=lambda p: p.jid)
    )
    return hashlib.sha256(_encoder.encode(ordered)).hexdigest()[:32]


class GroupMemory:
    def __init__(self) -> None:
        self._logged: dict[tuple[str, str], dict[str, str]] = {}
        self._answers: OrderedDict[tuple[str, str, str], CommandReply] = OrderedDict()

    def unchanged(self, tenant: str, session: str, info: GroupInfo) -> bool:
        """True when this very snapshot was the last logged; else remembers it as logged."""
        known = self._logged.setdefault((tenant, session), {})
        digest = fingerprint(info)
        if known.get(info.jid) == digest:
            return True
        known[info.jid] = digest
        return False

    def changed(self, tenant: str, session: str, group_jid: str) -> None:
        """A change was logged: the next snapshot of the group is logged again."""
        self._logged.get((tenant, session), {}).pop(group_jid, None)

    def answer(self, tenant: str, session: str, operation_id: str) -> CommandReply | None:
        return self._answers.get((tenant, session, operation_id))

    def keep(self, tenant: str, session: str, operation_id: str, reply: CommandReply) -> None:
        self._answers[(tenant, session, operation_id)] = reply
        while len(self._answers) > REMEMBERED_OPERATIONS:
            self._answers.popitem(last=False)
