"""What the gateway's service layer depends on: the store's reads, the session service's
commands, the media object store and each tenant's media quota. NATS implements them
(adapters.backends.Backends, runtime.media.store.MediaStore, runtime.media.usage.MediaUsage),
each structurally; the routes take them from the app and pass them in, and the unit tests
pass in-memory ones.

A refusal of the store or the session service is the ``ApiError`` of its code; nobody
answering is ``runtime.messaging.BackendUnavailable`` (a 503)."""

from collections.abc import AsyncIterable, Mapping
from typing import Protocol, TypeVar

from contracts.commands import CommandReply, SessionCommand
from contracts.queries import Query
from runtime.media.objects import StoredObject

__all__ = ["MediaObjects", "MediaQuota", "SessionCommands", "StoreReads"]

V = TypeVar("V")


class StoreReads(Protocol):
    """The store's queries."""

    async def read(self, q: Query, kind: type[V]) -> V:
        """The store's answer to ``q`` when it is a ``kind``; a refusal is its ApiError,
        any other shape BackendUnavailable."""
        ...


class SessionCommands(Protocol):
    """The session service's commands."""

    async def command(self, cmd: SessionCommand) -> CommandReply:
        """Its reply as given, a refusal too."""
        ...


class MediaObjects(Protocol):
    """The object store of uploaded and received files, written and read chunk by chunk.
    An object is named ``contracts.media.upload_object(tenant, id)``, its tenant's own."""

    async def put(
        self,
        name: str,
        chunks: AsyncIterable[bytes],
        *,
        headers: Mapping[str, str],
        limit: int | None = None,
    ) -> StoredObject:
        """Keep the bytes as ``name``; past ``limit`` bytes ``runtime.media.objects.TooLarge``
        and nothing is kept."""
        ...

    async def info(self, name: str) -> StoredObject | None:
        """The object kept as ``name``, None when there is none (or it was deleted)."""
        ...

    async def deleted(self, name: str) -> bool:
        """Whether ``name`` was deleted (by a sweep or its session's deletion)."""
        ...

    async def delete(self, name: str) -> bool:
        """Delete ``name``; False when there was nothing to delete."""
        ...


class MediaQuota(Protocol):
    """The bytes each tenant keeps in the object store; past its quota
    ``runtime.media.objects.QuotaExceeded``, and nothing is counted."""

    async def admit(self, tenant: str, size: int) -> None:
        """Refuse early a file that could not fit (``size`` as declared)."""
        ...

    async def add(self, tenant: str, size: int) -> None:
        """Count ``size`` more bytes of ``tenant``."""
        ...
