"""Request/reply for a busy client: one reply subscription per connection, a counter for the
reply tokens, the replies taken at nats-py's parser, the wait bounded by ``asyncio.timeout``.

nats-py's ``request`` draws random bytes for each token (a system call) and wraps each wait
in ``wait_for``; on a gateway read that was ~5% of the gateway's time. The replies arrive on
``<inbox>.<n>``: the inbox is the connection's own (its user's inbox prefix, so the same
permissions hold), unique per ``Requester``, so a counter is enough to tell requests apart.
A reply settles its request where nats-py's parser hands it over (runtime/nats_tap.py): no
``Msg``, no queue and no task of the subscription between the socket and the caller.
"""

import asyncio
import itertools

from nats.aio.client import Client

from runtime.nats_tap import status_of, tap
from runtime.rpc import BackendUnavailable

__all__ = ["Requester"]

_NO_RESPONDERS = "503"
Reply = tuple[bytes, bytes | None]  # data, raw headers


class Requester:
    """Requests on one NATS connection; a failure to answer becomes ``BackendUnavailable``."""

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._prefix = ""
        self._skip = 0  # the prefix's length in a reply's subject
        self._tokens = itertools.count()
        self._waiting: dict[bytes, asyncio.Future[Reply]] = {}
        self._starting = asyncio.Lock()

    async def _start(self) -> None:
        async with self._starting:
            if not self._prefix:
                prefix = self._nc.new_inbox() + "."
                sub = await self._nc.subscribe(prefix + "*")
                tap(self._nc, sub._id, self._answered)
                self._skip, self._prefix = len(prefix.encode()), prefix

    def _answered(self, subject: bytes, _: bytes, data: bytes, headers: bytes | None) -> None:
        future = self._waiting.pop(subject[self._skip :], None)
        if future is not None and not future.done():
            future.set_result((data, headers))

    async def request(self, subject: str, data: bytes, *, timeout: float) -> bytes:
        if not self._prefix:
            await self._start()
        token = str(next(self._tokens))
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        key = token.encode()
        self._waiting[key] = future
        try:
            await self._nc.publish(subject, data, reply=self._prefix + token)
            async with asyncio.timeout(timeout):
                answer, headers = await future
        except TimeoutError as exc:
            raise BackendUnavailable(f"no answer on {subject}") from exc
        finally:
            self._waiting.pop(key, None)
        if headers and not answer and status_of(headers)[0] == _NO_RESPONDERS:
            raise BackendUnavailable(f"no answer on {subject}")
        return answer
