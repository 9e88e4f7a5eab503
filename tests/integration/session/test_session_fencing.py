"""An instance that cannot renew a session's lease stops its client before the lease can
expire (so no other instance can ever run a second client for it)."""

from tests.integration.session.taken import Taken, taken

__all__ = ["taken"]  # the fixture


async def test_a_lease_that_cannot_be_renewed_stops_the_client_in_time(taken: Taken) -> None:
    await taken.fenced()


async def test_the_fence_abandons_a_send_under_way_rather_than_wait_for_it(
    taken: Taken,
) -> None:
    """A send can take long (a large file's upload); the fence does not wait for it, or the
    lease could expire with this client connected. The message stays queued in the log (no
    outcome from here) for the next owner."""
    started, _ = taken.slow_sends()  # never done
    await taken.queue("m1")
    await taken.sending(started)
    await taken.fenced()
    logged = [e.type for e in taken.log.events]
    assert logged[-1] == "message.queued", logged  # no outcome from here, nothing after
