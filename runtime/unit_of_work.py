"""The unit of work: a service's effect, its consumer's position and the events it stages in
the outbox, committed together or rolled back together. Service layers depend on the port;
``MemoryUnitOfWork`` drives them in unit tests, ``runtime.sql.unit_of_work`` in production."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol, TypeVar

from contracts.envelope import Envelope
from runtime.outbox import MemoryOutbox, OutboxMessage, outbox_message
from runtime.tracking import MemoryTracking
from runtime.transaction import Hooks

__all__ = ["MemoryTransaction", "MemoryUnitOfWork", "Transaction", "UnitOfWork"]

TxT_co = TypeVar("TxT_co", covariant=True)


class Transaction(Protocol):
    """One unit of work in progress."""

    async def save_position(self, consumer: str, sequence: int) -> None:
        """``consumer`` has applied the log up to ``sequence`` (with this transaction)."""
        ...

    async def stage(self, envelope: Envelope) -> OutboxMessage:
        """Publish ``envelope`` once this transaction commits; returns what will be sent."""
        ...

    def on_commit(self, callback: Callable[[], object]) -> None: ...


class UnitOfWork(Protocol[TxT_co]):
    """The port: ``async with uow.begin() as tx`` commits when the block ends, rolls back
    when it raises."""

    def begin(self) -> AbstractAsyncContextManager[TxT_co]: ...

    async def position(self, consumer: str) -> int:
        """The last committed position of ``consumer`` (0 for none)."""
        ...


class MemoryTransaction(Hooks):
    """Changes are deferred to the commit (``defer``): nothing is seen before it."""

    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        super().__init__()
        self._uow = uow
        self._deferred: list[Callable[[], None]] = []

    def defer(self, apply: Callable[[], None]) -> None:
        self._deferred.append(apply)

    async def save_position(self, consumer: str, sequence: int) -> None:
        await self._uow.tracking.save(self, consumer, sequence)

    async def stage(self, envelope: Envelope) -> OutboxMessage:
        message = outbox_message(envelope)
        await self._uow.outbox.stage(self, message)
        return message

    def commit(self) -> None:
        for apply in self._deferred:
            apply()


class MemoryUnitOfWork:
    """One transaction at a time (as a SQLite writer)."""

    def __init__(
        self,
        tracking: MemoryTracking | None = None,
        outbox: MemoryOutbox | None = None,
    ) -> None:
        self.tracking = tracking or MemoryTracking()
        self.outbox = outbox or MemoryOutbox()
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[MemoryTransaction]:
        async with self._lock:
            tx = MemoryTransaction(self)
            yield tx
            tx.commit()
        tx.run_commit_hooks()

    async def position(self, consumer: str) -> int:
        return await self.tracking.position(consumer)
