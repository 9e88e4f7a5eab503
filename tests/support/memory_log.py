"""An in-memory event log for tests that drive the session service's layers directly."""

from contracts.envelope import Envelope

__all__ = ["MemoryLog"]


class MemoryLog:
    """An in-memory event log (a real Publisher: it keeps what it is given, in order)."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish(self, envelope: Envelope) -> int:
        self.events.append(envelope)
        return len(self.events)
