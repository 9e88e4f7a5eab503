"""The outbox relay on a real NATS server: the log holds exactly the bytes staged, under the
envelope's subject and id, and a repeated publish is de-duplicated to the first sequence."""

from contracts.codec import decode_event
from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.outbox import MemoryOutbox, outbox_message
from runtime.outbox_relay import OutboxRelay
from runtime.unit_of_work import MemoryUnitOfWork


async def test_the_log_holds_the_staged_bytes_once(bus: Bus) -> None:
    envelopes = [
        make_event(SessionCreated(name=f"n{i}"), tenant="t1", session=f"s{i}") for i in range(3)
    ]
    outbox = MemoryOutbox("a")
    uow = MemoryUnitOfWork(outbox=outbox)
    async with uow.begin() as tx:
        staged = [await tx.stage(env) for env in envelopes]
    relay = OutboxRelay(outbox, bus.publisher)
    assert await relay.flush() == 3
    sequences = [await relay.sequence_of(message) for message in staged]
    for sequence, message, env in zip(sequences, staged, envelopes, strict=True):
        stored = await bus.js.get_msg(EVENTS_STREAM, sequence)
        assert stored.data == message.data == outbox_message(env).data
        assert stored.subject == message.subject
        assert stored.headers is not None and stored.headers["Nats-Msg-Id"] == env.id
        assert decode_event(stored.data) == env
    again = OutboxRelay(outbox, bus.publisher)  # a relay that never published them
    assert await again.sequence_of(staged[1]) == sequences[1]
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.state.messages == 3
