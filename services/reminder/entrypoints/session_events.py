"""Learns each session's connectivity from the event log (the skeleton only logs it)."""

from collections.abc import Sequence

from runtime.consumer import Delivered
from runtime.logging import get_logger

log = get_logger(__name__)


class SessionEventsLogger:
    def __init__(self) -> None:
        self._position = 0

    async def position(self) -> int:
        return self._position

    async def apply(self, batch: Sequence[Delivered]) -> None:
        for item in batch:
            env = item.event
            log.info(
                "reminder.saw_session_event",
                tenant=env.tenant,
                session=env.session,
                type=env.type,
                sequence=item.sequence,
            )
        self._position = batch[-1].sequence
