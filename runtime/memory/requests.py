"""Request/reply in memory, as core NATS: subjects with wildcards, one member of each queue
group per request (in turn), the first answer wins, no responders known at once, a handler
that fails or is too slow is no answer."""

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field

from runtime.logging import get_logger
from runtime.memory.subjects import subject_matches
from runtime.messaging import BackendUnavailable, RequestHandler

__all__ = ["MemoryRequestBus"]

log = get_logger(__name__)


@dataclass(eq=False)
class _Subscription:
    bus: "MemoryRequestBus"
    subject: str
    queue: str
    handler: RequestHandler
    served: int = field(default=0)

    async def unsubscribe(self) -> None:
        with contextlib.suppress(ValueError):
            self.bus._subscriptions.remove(self)


class MemoryRequestBus:
    """``Requests`` and ``Responders`` on one in-memory "server"."""

    def __init__(self) -> None:
        self._subscriptions: list[_Subscription] = []
        self._turn = itertools.count()

    async def serve(self, subject: str, handler: RequestHandler, *, queue: str) -> _Subscription:
        subscription = _Subscription(self, subject, queue, handler)
        self._subscriptions.append(subscription)
        return subscription

    def _chosen(self, subject: str) -> list[_Subscription]:
        groups: dict[str, list[_Subscription]] = {}
        for sub in self._subscriptions:
            if subject_matches(sub.subject, subject):
                groups.setdefault(sub.queue, []).append(sub)
        turn = next(self._turn)
        return [members[turn % len(members)] for members in groups.values()]

    async def request(self, subject: str, data: bytes, *, timeout: float) -> bytes:
        chosen = self._chosen(subject)
        if not chosen:
            raise BackendUnavailable(f"no answer on {subject} (no responders)")
        answers = [asyncio.ensure_future(_answer(sub, data)) for sub in chosen]
        try:
            async with asyncio.timeout(timeout):
                for finished in asyncio.as_completed(answers):
                    reply = await finished
                    if reply is not None:
                        return reply
                await asyncio.Future()  # every handler failed: the asker times out
        except TimeoutError:
            pass
        finally:
            for answer in answers:
                answer.cancel()
        raise BackendUnavailable(f"no answer on {subject}")


async def _answer(sub: _Subscription, data: bytes) -> bytes | None:
    sub.served += 1
    try:
        return await sub.handler(data)
    except Exception:
        log.exception("rpc.handler_failed", subject=sub.subject)
        return None
