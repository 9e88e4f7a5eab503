"""The files the session service sends and keeps: a port, so the service layer needs no NATS."""

from abc import ABC, abstractmethod
from pathlib import Path

from msgspec import Struct

from runtime.logging import get_logger
from services.session.service_layer.pending_media import PendingMediaStore

__all__ = [
    "NO_MEDIA_FILES", "KeptFile", "MediaFiles", "NoMediaFiles", "OverQuota", "forget_media",
]  # fmt: skip

log = get_logger(__name__)


class KeptFile(Struct, frozen=True, kw_only=True):
    size: int
    sha256: str  # hex


class OverQuota(Exception):
    """Keeping the file would pass the tenant's media quota; nothing was kept."""


class MediaFiles(ABC):
    """Where uploaded files are read from (and received ones kept)."""

    @abstractmethod
    async def copy_upload(self, tenant: str, upload_id: str, into: Path) -> bool:
        """Write the upload's bytes into the file ``into``, chunk by chunk; False when it is
        gone."""

    async def kept(self, tenant: str, session: str, message_id: str) -> KeptFile | None:
        """A received message's file, if it is already kept."""
        return None

    async def keep(
        self, tenant: str, session: str, message_id: str, data: bytes, mime: str
    ) -> KeptFile:
        """Keep a received message's file (under a name made from the message id); OverQuota
        when the tenant's quota has no room for it."""
        raise OSError("no media store")

    async def forget_session(self, tenant: str, session: str) -> int:
        """Delete a deleted session's files (received, and uploads bound to it); how many."""
        return 0


class NoMediaFiles(MediaFiles):
    """No store: every upload is gone (a service wired without media)."""

    async def copy_upload(self, tenant: str, upload_id: str, into: Path) -> bool:
        return False


NO_MEDIA_FILES = NoMediaFiles()


async def forget_media(
    files: MediaFiles, pending: PendingMediaStore, tenant: str, session: str
) -> None:
    """After a session's deletion: no download of it resumes, and its files are deleted
    (an error is logged; the files then leave with the retention)."""
    try:
        for item in await pending.of_session(tenant, session):
            await pending.remove(tenant, session, item.message_id)
        deleted = await files.forget_session(tenant, session)
    except Exception:
        log.exception("media.forget_failed", tenant=tenant, session=session)
        return
    log.info("media.forgotten", tenant=tenant, session=session, files=deleted)
