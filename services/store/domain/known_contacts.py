"""Contact changes that would change nothing, left out before they reach the database.

Nearly every incoming message brings its sender's contact again: the same push name, the
same phone number. The contact statements write nothing then (their ``WHERE``), but finding
that out is a statement per message, 17k of the SQLite writer's 134k instructions for each
``message.received`` of the bench stream. So the projection remembers the last change it
applied to each contact row: the same change again, with nothing else written to that row
in between, changes nothing (each value it brings is already the row's), and is not sent.

What it remembers holds only while every change it saw is committed, in order, by the one
projection it belongs to: the projection forgets it all whenever it starts over (a failed,
refused or cancelled transaction, the position read again: ``SqlProjection._start_over``).
A change of the contacts table that reaches rows it does not name (``contact.by_lid``
renames the row linked to its LID, and may give the LID a row of its own, which
``contact.linked`` deletes) makes it forget that session.
"""

from collections.abc import Collection
from typing import Any

__all__ = ["CAPACITY", "KnownContacts"]

CAPACITY = 50_000  # rows remembered at most (some 200 bytes each): beyond, it starts over
_REMEMBERED = frozenset({"contact.by_phone", "contact.linked"})


class KnownContacts:
    """The last change applied to each contact row, as far as this projection knows."""

    def __init__(self, writing_contacts: Collection[str], capacity: int = CAPACITY) -> None:
        """``writing_contacts``: every operation whose statements write the contacts table."""
        self.watched = frozenset(writing_contacts) | _REMEMBERED  # the changes to show it
        self._capacity = capacity
        self._tenants: dict[str, dict[str, dict[str, tuple[Any, ...]]]] = {}
        self._count = 0

    def forget(self) -> None:
        self._tenants.clear()
        self._count = 0

    def leaves_out(self, op: str, params: dict[str, Any]) -> bool:
        """Whether a change of ``watched`` would change nothing, the changes before it shown
        in order (batching.py shows them, unpacked, as it plans the runs)."""
        if op not in _REMEMBERED:  # reaching rows it does not name: the session is unknown
            self._tenants.get(params["tenant"], {}).pop(params["session_id"], None)
            return False
        rows = self._rows(params["tenant"], params["session_id"])
        jid = params["jid"]
        names = (params["push_name"], params["saved_name"])
        applied = (op, params["lid"], params["phone_number"], *names)
        last = rows.get(jid)
        if last == applied:
            return True
        if last is None:
            self._count += 1
        rows[jid] = applied
        return False

    def _rows(self, tenant: str, session: str) -> dict[str, tuple[Any, ...]]:
        if self._count >= self._capacity:
            self.forget()
        sessions = self._tenants.get(tenant)
        if sessions is None:
            sessions = self._tenants[tenant] = {}
        rows = sessions.get(session)
        if rows is None:
            rows = sessions[session] = {}
        return rows
