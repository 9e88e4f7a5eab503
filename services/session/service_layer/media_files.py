"""The files the session service sends and keeps: a port, so the service layer needs no NATS."""

from abc import ABC, abstractmethod

__all__ = ["NO_MEDIA_FILES", "MediaFiles", "NoMediaFiles"]


class MediaFiles(ABC):
    """Where uploaded files are read from (and received ones kept)."""

    @abstractmethod
    async def read_upload(self, tenant: str, upload_id: str) -> bytes | None:
        """The whole upload (WhatsApp takes one buffer per file), or None when it is gone."""


class NoMediaFiles(MediaFiles):
    """No store: every upload is gone (a service wired without media)."""

    async def read_upload(self, tenant: str, upload_id: str) -> bytes | None:
        return None


NO_MEDIA_FILES = NoMediaFiles()
