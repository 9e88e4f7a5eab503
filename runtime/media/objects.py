"""What the media store and its quota say, free of nats: a kept object's description and the
two refusals. The JetStream adapters (runtime.media.store, runtime.media.usage) raise and
return these, and a service layer names them through its ports without reaching nats."""

import msgspec

__all__ = ["QuotaExceeded", "StoredObject", "TooLarge"]


class TooLarge(Exception):
    """The bytes went past the limit; nothing was kept."""


class QuotaExceeded(Exception):
    """The tenant's files would pass its quota; nothing was counted."""

    def __init__(self, quota: int, used: int, size: int) -> None:
        super().__init__(f"{used} + {size} bytes would pass the quota of {quota}")
        self.quota, self.used, self.size = quota, used, size


class StoredObject(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    nuid: str
    size: int
    chunks: int
    sha256: str  # hex
    headers: dict[str, str] = msgspec.field(default_factory=dict)
