"""Request/reply for a busy client: one reply subscription per connection, a counter for the
reply tokens, the wait bounded by ``asyncio.timeout``.

nats-py's ``request`` draws random bytes for each token (a system call) and wraps each wait
in ``wait_for``; on a gateway read that was ~5% of the gateway's time. The replies arrive on
``<inbox>.<n>``: the inbox is the connection's own (its user's inbox prefix, so the same
permissions hold), unique per ``Requester``, so a counter is enough to tell requests apart.
"""

import asyncio
import itertools

from nats.aio.client import Client
from nats.aio.msg import Msg

from runtime.rpc import BackendUnavailable

__all__ = ["Requester"]

_NO_RESPONDERS = "503"


class Requester:
    """Requests on one NATS connection; a failure to answer becomes ``BackendUnavailable``."""

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._prefix = ""
        self._tokens = itertools.count()
        self._waiting: dict[str, asyncio.Future[Msg]] = {}
        self._starting = asyncio.Lock()

    async def _start(self) -> None:
        async with self._starting:
            if not self._prefix:
                prefix = self._nc.new_inbox() + "."
                await self._nc.subscribe(prefix + "*", cb=self._answered)
                self._prefix = prefix

    async def _answered(self, msg: Msg) -> None:
        future = self._waiting.pop(msg.subject[len(self._prefix) :], None)
        if future is not None and not future.done():
            future.set_result(msg)

    async def request(self, subject: str, data: bytes, *, timeout: float) -> bytes:
        if not self._prefix:
            await self._start()
        token = str(next(self._tokens))
        future: asyncio.Future[Msg] = asyncio.get_running_loop().create_future()
        self._waiting[token] = future
        try:
            await self._nc.publish(subject, data, reply=self._prefix + token)
            async with asyncio.timeout(timeout):
                msg = await future
        except TimeoutError as exc:
            raise BackendUnavailable(f"no answer on {subject}") from exc
        finally:
            self._waiting.pop(token, None)
        if msg.headers and msg.headers.get("Status") == _NO_RESPONDERS and not msg.data:
            raise BackendUnavailable(f"no answer on {subject}")
        return msg.data
