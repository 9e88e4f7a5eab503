"""The transactional outbox: an event's bytes staged in the transaction of the change it
describes, published after the commit by the relay (outbox_relay.py) as they are."""

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from msgspec import Struct

from contracts.codec import encode_event
from contracts.envelope import Envelope
from contracts.subjects import event_subject
from runtime.transaction import Deferring

__all__ = ["Clock", "MemoryOutbox", "OutboxMessage", "OutboxStore", "Pending", "outbox_message"]

TxT_contra = TypeVar("TxT_contra", contravariant=True)
Clock = Callable[[], datetime]


class OutboxMessage(Struct, frozen=True):
    """What the relay publishes: the subject, the encoded envelope, and the de-duplication
    id (``Nats-Msg-Id``: the envelope's id, so a publish retried or repeated is stored once)."""

    id: str
    subject: str
    data: bytes


def outbox_message(envelope: Envelope) -> OutboxMessage:
    """The envelope encoded once, for staging."""
    subject = event_subject(envelope.tenant, envelope.session, envelope.type)
    return OutboxMessage(id=envelope.id, subject=subject, data=encode_event(envelope))


class Pending(Struct, frozen=True):
    """A staged message and its place in the outbox (publish in that order)."""

    row: int
    message: OutboxMessage


class OutboxStore(Protocol[TxT_contra]):
    """The port: where staged messages wait. Each belongs to the instance that staged it."""

    instance: str

    async def stage(self, tx: TxT_contra, message: OutboxMessage) -> None:
        """Add ``message`` when ``tx`` commits."""
        ...

    async def pending(self, *, orphaned_before: datetime, limit: int) -> list[Pending]:
        """This instance's messages and others' staged before ``orphaned_before`` (their
        instance probably died), oldest first."""
        ...

    async def delete(self, rows: Sequence[int]) -> None:
        """Forget published messages."""
        ...


class MemoryOutbox:
    """For unit tests: the outbox in a dict, changed at the commit."""

    def __init__(self, instance: str = "memory", clock: Clock = lambda: datetime.now(UTC)):
        self.instance = instance
        self._clock = clock
        self._rows: dict[int, tuple[str, datetime, OutboxMessage]] = {}
        self._numbers = itertools.count(1)

    def sibling(self, instance: str) -> "MemoryOutbox":
        """Another instance's outbox on the same rows (as two processes on one database)."""
        other = MemoryOutbox(instance, self._clock)
        other._rows, other._numbers = self._rows, self._numbers
        return other

    async def stage(self, tx: Deferring, message: OutboxMessage) -> None:
        row = (self.instance, self._clock(), message)
        tx.defer(lambda: self._rows.__setitem__(next(self._numbers), row))

    async def pending(self, *, orphaned_before: datetime, limit: int) -> list[Pending]:
        found = [
            Pending(row=number, message=message)
            for number, (instance, staged_at, message) in sorted(self._rows.items())
            if instance == self.instance or staged_at < orphaned_before
        ]
        return found[:limit]

    async def delete(self, rows: Sequence[int]) -> None:
        for row in rows:
            self._rows.pop(row, None)
