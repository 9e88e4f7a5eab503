"""The event log's last sequence, from the events stream's info (one JetStream request)."""

from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import APIError

from contracts.subjects import EVENTS_STREAM
from runtime.rpc import BackendUnavailable

__all__ = ["last_sequence"]


async def last_sequence(js: JetStreamContext) -> int:
    """The sequence of the log's newest event; BackendUnavailable when JetStream cannot say."""
    try:
        return int((await js.stream_info(EVENTS_STREAM)).state.last_seq)
    except (NatsTimeout, NoRespondersError, ConnectionClosedError, APIError) as exc:
        raise BackendUnavailable(f"the event log's position: {exc!r}") from exc
