"""Read queries answered by the store service, and their typed results."""

from datetime import datetime

from msgspec import Struct

from contracts.commands import Refused

__all__ = [
    "GetSession",
    "ListSessions",
    "Query",
    "QueryReply",
    "SessionList",
    "SessionView",
]


class GetSession(Struct, frozen=True, kw_only=True, tag="get_session"):
    tenant: str
    session: str
    min_sequence: int = 0
    wait_ms: int = 2000


class ListSessions(Struct, frozen=True, kw_only=True, tag="list_sessions"):
    tenant: str
    min_sequence: int = 0
    wait_ms: int = 2000


Query = GetSession | ListSessions


class SessionView(Struct, frozen=True, kw_only=True, tag="session"):
    id: str
    tenant: str
    name: str
    status: str
    phone_number: str | None = None
    jid: str | None = None
    push_name: str | None = None
    created_at: datetime
    last_connected_at: datetime | None = None
    last_disconnected_at: datetime | None = None
    last_disconnect_reason: str | None = None


class SessionList(Struct, frozen=True, kw_only=True, tag="session_list"):
    items: list[SessionView]


QueryReply = SessionView | SessionList | Refused
