"""Received files not yet kept or given up on: what a restart resumes. A port, kept beside the
service's own projection (the fetch handle is a secret: it never enters the event log)."""

from abc import ABC, abstractmethod

from msgspec import Struct

__all__ = ["MemoryPendingMedia", "PendingMedia", "PendingMediaStore"]


class PendingMedia(Struct, frozen=True, kw_only=True):
    tenant: str
    session: str
    message_id: str
    chat_jid: str
    mime: str
    media_ref: bytes


class PendingMediaStore(ABC):
    """The received files still to fetch, per session."""

    @abstractmethod
    async def add(self, item: PendingMedia) -> None:
        """Remember a file to fetch (again: nothing changes)."""

    @abstractmethod
    async def remove(self, tenant: str, session: str, message_id: str) -> None:
        """The file was kept, or given up on."""

    @abstractmethod
    async def of_session(self, tenant: str, session: str) -> list[PendingMedia]:
        """The files of a session still to fetch."""


class MemoryPendingMedia(PendingMediaStore):
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], PendingMedia] = {}

    async def add(self, item: PendingMedia) -> None:
        self.items.setdefault((item.tenant, item.session, item.message_id), item)

    async def remove(self, tenant: str, session: str, message_id: str) -> None:
        self.items.pop((tenant, session, message_id), None)

    async def of_session(self, tenant: str, session: str) -> list[PendingMedia]:
        return [p for p in self.items.values() if (p.tenant, p.session) == (tenant, session)]
