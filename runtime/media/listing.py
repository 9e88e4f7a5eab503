"""Every object the media store holds (its meta messages only, never the bytes), and what
its name says: whose it is."""

import json
from collections.abc import Callable

from msgspec import Struct
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from contracts.media import MEDIA_BUCKET
from runtime.media.store import plain_headers

__all__ = ["Listed", "list_objects", "owner_of"]

_STREAM = f"OBJ_{MEDIA_BUCKET}"
_ALL_META = f"$O.{MEDIA_BUCKET}.M.>"
_READ_TIMEOUT_S = 10.0


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
    """The live objects ``keep`` accepts (deleted ones left out): the last meta message of
    each name, read once through an ordered consumer of the bucket's own stream."""
    try:
        await js.get_last_msg(_STREAM, _ALL_META)
    except NotFoundError:
        return []
    sub = await js.subscribe(
        _ALL_META, stream=_STREAM, ordered_consumer=True,
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT,
    )  # fmt: skip
    found = []
    try:
        while True:
            msg = await sub.next_msg(timeout=_READ_TIMEOUT_S)
            info = json.loads(msg.data or b"{}")
            if not info.get("deleted") and info.get("name"):
                headers = plain_headers(info.get("headers"))
                item = Listed(name=info["name"], size=info.get("size") or 0, headers=headers)
                if keep(item):
                    found.append(item)
            if msg.metadata.num_pending == 0:
                return found
    finally:
        await sub.unsubscribe()
