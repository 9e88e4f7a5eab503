"""The heartbeat's arithmetic, on a fake clock: misses count from the first answer, a new
worker has its start allowance, and answers in time keep a slow worker alive."""

from services.session.adapters.whatsapp.worker.heartbeat import Heartbeat, HeartbeatState

BEAT = Heartbeat(every_s=1, misses=3, start_s=30)


def test_a_worker_loading_neonize_is_not_hung_within_its_start_allowance() -> None:
    state = HeartbeatState(BEAT, started_at=0)
    for now in range(1, 30):
        assert not state.hung(now)
        state.next_ping()
    assert state.hung(30)  # no answer at all by then


def test_after_the_first_answer_misses_in_a_row_make_it_hung() -> None:
    state = HeartbeatState(BEAT, started_at=0)
    state.pong(state.next_ping(), leaked_threads=0)
    for _ in range(2):
        state.next_ping()
        assert not state.hung(5)
    state.next_ping()
    assert state.hung(5)
    state.pong(3, leaked_threads=2)  # a late answer to the third brings it back
    assert not state.hung(6) and state.leaked_threads == 2
