"""A subscription's messages taken where nats-py's parser hands a message over
(``Client._process_msg``), as they are: no ``Msg``, no header parsing, no queue and task per
message, every other subscription of the connection as before. The puller's deliveries come
this way, and the requester's replies (runtime/requester.py).

This leans on nats-py internals (``Client._process_msg`` and its parameters, ``stats``,
``Subscription._id``), so it is checked against the nats-py versions it was written for:
``CHECKED`` (runtime/nats_private.py) lists them, and a test fails on any other
(tests/unit/test_nats_tap.py).
"""

import inspect
from collections.abc import Awaitable, Callable

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from runtime.nats_private import CHECKED, checked
from runtime.pull import Puller, Status

__all__ = ["CHECKED", "Tap", "TappedPuller", "checked", "status_of", "tap"]

Tap = Callable[[bytes, bytes, bytes, bytes | None], None]  # (subject, reply, data, headers)
_HOOK_PARAMETERS = ["sid", "subject", "reply", "data", "headers"]


def tap(nc: Client, sid: int, taken: Tap | None) -> None:
    """Hand the messages of subscription ``sid`` to ``taken`` straight from nats-py's parser
    (None: stop)."""
    taps: dict[int, Tap] | None = getattr(nc, "_wa_taps", None)
    if taps is None:
        original: Callable[..., Awaitable[None]] = nc._process_msg
        if list(inspect.signature(original).parameters) != _HOOK_PARAMETERS:
            raise RuntimeError(
                "nats-py's Client._process_msg changed its parameters; runtime/nats_tap.py "
                "must follow the pinned nats-py"
            )
        taps = {}
        stats = nc.stats

        async def process_msg(
            sid: int, subject: bytes, reply: bytes, data: bytes, headers: bytes | None
        ) -> None:
            tapped = taps.get(sid)
            if tapped is None:
                await original(sid, subject, reply, data, headers)
                return
            stats["in_msgs"] += 1
            stats["in_bytes"] += len(data)
            tapped(subject, reply, data, headers)

        nc._process_msg = process_msg  # type: ignore[method-assign]
        nc._wa_taps = taps  # type: ignore[attr-defined]
    if taken is None:
        taps.pop(sid, None)
    else:
        taps[sid] = taken


def status_of(headers: bytes) -> Status:
    """The code and description of a status message (``NATS/1.0 408 Request Timeout``)."""
    line = headers.split(b"\r\n", 1)[0].decode(errors="replace")
    _, _, rest = line.partition(" ")
    code, _, description = rest.strip().partition(" ")
    return code, description


class TappedPuller(Puller):
    """``Puller`` with its inbox tapped at nats-py's parser. Headers are read only for
    status messages (no payload)."""

    def _tapped(self, _: bytes, reply: bytes, data: bytes, headers: bytes | None) -> None:
        if headers and not data:
            status = status_of(headers)
            if status[0]:
                self._take(reply, data, status)
                return
        self._take(reply, data, None)

    async def _subscribe(self) -> Subscription:
        sub = await self._nc.subscribe(self._inbox)
        tap(self._nc, sub._id, self._tapped)
        return sub

    async def close(self) -> None:
        if self._sub is not None:
            tap(self._nc, self._sub._id, None)
        await super().close()
