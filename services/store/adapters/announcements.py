"""The projector's position, announced on core NATS after each commit: a hint that wakes the
other replicas' waiting queries (lost announcements only delay them: see following.py)."""

import contextlib
from collections.abc import Callable

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import Error as NatsError

from contracts.subjects import STORE_POSITION_SUBJECT

__all__ = ["Announcer", "hear_announcements"]


class Announcer:
    """Publishes a committed position."""

    def __init__(self, nc: Client) -> None:
        self._nc = nc

    async def __call__(self, position: int) -> None:
        with contextlib.suppress(NatsError):  # a hint: the batch is committed either way
            await self._nc.publish(STORE_POSITION_SUBJECT, b"%d" % position)


async def hear_announcements(nc: Client, heard: Callable[[int], None]) -> Subscription:
    async def on_message(msg: Msg) -> None:
        try:
            position = int(msg.data)
        except ValueError:
            return
        heard(position)

    return await nc.subscribe(STORE_POSITION_SUBJECT, cb=on_message)
