"""The rebuild's service layer on the in-memory event log: it projects up to the target
the log had when it began, resumes a partly built database, and reports its progress."""

from collections.abc import Sequence

from contracts.envelope import make_event
from contracts.events import SessionCreated
from runtime.memory.eventlog import MemoryEventLog
from runtime.messaging import Delivered
from services.store.service_layer.rebuild import project_until


class Recorded:
    """A projection that keeps the sequences it applied (its position is the last)."""

    in_flight = 1

    def __init__(self, applied: Sequence[int] = ()) -> None:
        self.applied = list(applied)

    async def position(self) -> int:
        return self.applied[-1] if self.applied else 0

    def prepare(self, batch: Sequence[Delivered]) -> Sequence[Delivered]:
        return batch

    async def apply(self, batch: Sequence[Delivered]) -> None:
        self.applied += [item.sequence for item in batch]


async def _log(events: int) -> MemoryEventLog:
    log = MemoryEventLog()
    for n in range(events):
        await log.publish(make_event(SessionCreated(name=f"n{n}"), tenant="t", session=f"s{n}"))
    return log


async def test_a_fresh_database_is_projected_from_sequence_one_to_the_target() -> None:
    log, projection, progress = await _log(5), Recorded(), []
    reached = await project_until(
        log, "rebuild-1", projection, 5, lambda p, t, _: progress.append((p, t))
    )
    assert reached == 5
    assert projection.applied == [1, 2, 3, 4, 5]
    assert progress[-1] == (5, 5)


async def test_a_partly_built_database_resumes_where_it_stopped() -> None:
    log, projection = await _log(5), Recorded([1, 2, 3])
    assert await project_until(log, "rebuild-2", projection, 5, lambda *_: None) == 5
    assert projection.applied == [1, 2, 3, 4, 5]


async def test_a_database_already_at_the_target_ends_at_once() -> None:
    log, projection = await _log(3), Recorded([1, 2, 3])
    assert await project_until(log, "rebuild-3", projection, 3, lambda *_: None) == 3
    assert projection.applied == [1, 2, 3]
