"""Every object the media store holds (its meta messages only, never the bytes), and what
its name says: whose it is."""

from collections.abc import Callable

from msgspec import Struct
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.media import MEDIA_BUCKET
from runtime.media.store import plain_headers

__all__ = ["Listed", "list_objects", "owner_of"]


class Listed(Struct, frozen=True, kw_only=True):
    name: str
    size: int
    headers: dict[str, str]

    @property
    def tenant(self) -> str | None:
        return owner_of(self.name)[0]

    @property
    def session(self) -> str | None:
        """A received file's session, or an upload's (``Wa-Session``) when it names one."""
        return owner_of(self.name)[1] or self.headers.get("Wa-Session")


def owner_of(name: str) -> tuple[str | None, str | None]:
    """``(tenant, session)`` from ``upload.<tenant>.<id>`` or ``received.<t>.<s>.<id>``."""
    parts = name.split(".")
    if parts[0] == "upload" and len(parts) == 3:
        return parts[1], None
    if parts[0] == "received" and len(parts) == 4:
        return parts[1], parts[2]
    return None, None


async def list_objects(
    js: JetStreamContext, keep: Callable[[Listed], bool] = lambda _: True
) -> list[Listed]:
    """The live objects ``keep`` accepts (deleted ones left out), read once from the start."""
    store = await js.object_store(MEDIA_BUCKET)
    try:
        infos = await store.list(ignore_deletes=True)
    except NotFoundError:
        return []
    found = []
    for info in infos:
        item = Listed(name=info.name, size=info.size or 0, headers=plain_headers(info.headers))
        if keep(item):
            found.append(item)
    return found
