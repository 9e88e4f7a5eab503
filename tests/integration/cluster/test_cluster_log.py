"""The event log on a real 3-node cluster: a stream with 3 replicas survives losing a node,
and a durable consumer carries on with nothing lost or doubled."""

import asyncio
from collections.abc import Sequence

from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import ServiceUnavailableError

from contracts.envelope import make_event
from contracts.events import SessionCreated
from contracts.subjects import EVENTS_STREAM, event_filter
from runtime.bus import Bus, open_bus
from runtime.consumer import Delivered, run_consumer
from runtime.settings import load_settings
from tests.support.cluster import NatsCluster
from tests.support.waiting import eventually


async def open_replicated_bus(url: str) -> Bus:
    # a publish the killed leader never answered is retried after 2 s, not 5 s
    settings = load_settings({}, nats_url=url, stream_replicas=3, request_timeout_s=2)
    return await open_bus(settings, "cluster-test")


class Collect:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.restarts = 0

    async def position(self) -> int:
        return self.seen[-1] if self.seen else 0

    async def apply(self, batch: Sequence[Delivered]) -> None:
        self.seen.extend(d.sequence for d in batch)


async def consume(js: JetStreamContext, handler: Collect, stop: asyncio.Event) -> None:
    """As the services do: while the cluster elects new leaders a fetch may fail (a bare
    TimeoutError, or 503), which ends run_consumer; bind again from the handler's position."""
    while not stop.is_set():
        try:
            await run_consumer(js, handler, durable="c", filters=[event_filter()], stop=stop)
        except (TimeoutError, NatsTimeout, ServiceUnavailableError):
            handler.restarts += 1
            await asyncio.sleep(0.2)


async def test_stream_keeps_three_replicas_and_survives_a_node(cluster: NatsCluster) -> None:
    bus = await open_replicated_bus(cluster.url)
    info = await bus.js.stream_info(EVENTS_STREAM)
    assert info.config.num_replicas == 3
    handler, stop = Collect(), asyncio.Event()
    task = asyncio.create_task(consume(bus.js, handler, stop))
    for i in range(100):
        await bus.publisher.publish(
            make_event(SessionCreated(name="x"), tenant="t", session=f"s{i}")
        )
    cluster.nodes[0].stop(kill=True)
    for i in range(100, 200):
        await bus.publisher.publish(
            make_event(SessionCreated(name="x"), tenant="t", session=f"s{i}")
        )

    async def all_seen() -> bool:
        return len(handler.seen) >= 200

    await eventually(all_seen, timeout=60)
    stop.set()
    await task
    assert handler.seen == list(range(1, 201)), "lost or doubled events"
    await bus.close()
