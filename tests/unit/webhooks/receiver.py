"""A receiver behind the webhooks service's ``Sender`` port, for unit tests: it answers as
told, or its process dies with the request out."""

from collections.abc import Callable
from dataclasses import dataclass, field

from services.webhooks.domain.model import AttemptOutcome

__all__ = ["Crashed", "Hit", "Receiver"]


class Crashed(Exception):
    """The sender's process died (nothing after the request is done)."""


@dataclass(frozen=True)
class Hit:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """The ``Sender`` port with a receiver behind it: ``answer(hit)`` is the status it gets
    (``crash_on`` a delivery id: the sender dies after sending, before any outcome)."""

    clock: Callable[[], float]
    answer: Callable[[Hit], int] = lambda _: 200
    hits: list[Hit] = field(default_factory=list)
    crash_on: set[str] = field(default_factory=set)

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float
    ) -> AttemptOutcome:
        hit = Hit(url, body, headers)
        self.hits.append(hit)
        if headers["X-WA-Delivery-Id"] in self.crash_on:
            raise Crashed("the process died while the request was out")
        status = self.answer(hit)
        error = None if 200 <= status < 300 else f"HTTP {status}"
        started_ms = int(self.clock() * 1000)
        return AttemptOutcome(started_ms=started_ms, duration_ms=0, status_code=status, error=error)
