"""What a reminder transaction takes from the kit's (runtime.unit_of_work.Transaction): the
position, the outbox and the hooks, whatever the store of the rest."""

from collections.abc import Callable

from contracts.envelope import Envelope
from runtime.outbox import OutboxMessage
from runtime.unit_of_work import Transaction

__all__ = ["OnKitTransaction"]


class OnKitTransaction:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def save_position(self, consumer: str, sequence: int) -> None:
        await self._tx.save_position(consumer, sequence)

    async def stage(self, envelope: Envelope) -> OutboxMessage:
        return await self._tx.stage(envelope)

    def on_commit(self, callback: Callable[[], object]) -> None:
        self._tx.on_commit(callback)
