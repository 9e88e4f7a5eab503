"""Which JetStream answers mean "not ready yet, ask again": a cluster just started may refuse
a stream's placement for want of peers it does not yet count as online (400, err_code 10005,
seen in CI while a three-node cluster came up); any other 400 is a wrong request and is
raised at once."""

from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import BadRequestError, NotFoundError, ServiceUnavailableError
from structlog.testing import capture_logs

from runtime.jetstream_ready import NO_PEERS_FOR_PLACEMENT, not_ready, when_ready

NO_PEERS = BadRequestError(
    code=400, err_code=NO_PEERS_FOR_PLACEMENT, description="no suitable peers for placement"
)
IN_USE = BadRequestError(code=400, err_code=10058, description="stream name already in use")


def test_no_peers_for_placement_is_not_ready_and_other_bad_requests_are_errors() -> None:
    assert not_ready(NO_PEERS)
    assert not not_ready(IN_USE)
    assert all(not_ready(e) for e in (NatsTimeout(), ServiceUnavailableError(), NotFoundError()))
    assert not not_ready(ValueError("x"))


def _js() -> JetStreamContext:
    return Client().jetstream(timeout=5)  # never connected: the attempts below send nothing


async def test_a_placement_refusal_is_waited_out() -> None:
    tries = 0

    async def attempt(_: JetStreamContext) -> str:
        nonlocal tries
        tries += 1
        if tries < 3:
            raise NO_PEERS
        return "made"

    with capture_logs() as logs:
        assert await when_ready(_js(), attempt, waiting_for="stream X") == "made"
    assert tries == 3
    assert [e["event"] for e in logs] == ["bus.jetstream_not_ready"] * 2


async def test_any_other_bad_request_is_raised_at_once() -> None:
    tries = 0

    async def attempt(_: JetStreamContext) -> str:
        nonlocal tries
        tries += 1
        raise IN_USE

    try:
        await when_ready(_js(), attempt, waiting_for="stream X")
    except BadRequestError as exc:
        assert exc.err_code == 10058
    else:
        raise AssertionError("a wrong request must not be retried")
    assert tries == 1
