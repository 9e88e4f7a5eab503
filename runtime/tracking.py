"""The tracking record: the last stream sequence each consumer applied, saved in the same
transaction as the effect of applying it (so a crash neither loses nor doubles an event)."""

from typing import Protocol, TypeVar

from runtime.transaction import Deferring

__all__ = ["MemoryTracking", "Tracking"]

TxT_contra = TypeVar("TxT_contra", contravariant=True)


class Tracking(Protocol[TxT_contra]):
    """The port. ``Tx`` is the caller's transaction (a SQL connection, or in memory)."""

    async def position(self, consumer: str) -> int:
        """The last committed sequence of ``consumer`` (0 for none)."""
        ...

    async def save(self, tx: TxT_contra, consumer: str, sequence: int) -> None:
        """Record ``sequence`` for ``consumer`` when ``tx`` commits (not at all if it rolls
        back)."""
        ...


class MemoryTracking:
    """For unit tests: positions in a dict, changed at the commit."""

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}

    async def position(self, consumer: str) -> int:
        return self._positions.get(consumer, 0)

    async def save(self, tx: Deferring, consumer: str, sequence: int) -> None:
        tx.defer(lambda: self._positions.__setitem__(consumer, sequence))
