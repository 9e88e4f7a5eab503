"""The files the session service sends and keeps: a port, so the service layer needs no NATS."""

from abc import ABC, abstractmethod
from pathlib import Path

from msgspec import Struct

__all__ = ["NO_MEDIA_FILES", "KeptFile", "MediaFiles", "NoMediaFiles"]


class KeptFile(Struct, frozen=True, kw_only=True):
    size: int
    sha256: str  # hex


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
        """Keep a received message's file (under a name made from the message id)."""
        raise OSError("no media store")


class NoMediaFiles(MediaFiles):
    """No store: every upload is gone (a service wired without media)."""

    async def copy_upload(self, tenant: str, upload_id: str, into: Path) -> bool:
        return False


NO_MEDIA_FILES = NoMediaFiles()
