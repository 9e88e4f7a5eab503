"""The request/reply ports' one suite, run on core NATS (a real server) and in memory:
answers, wildcards, queue groups, no responders, timeouts, failing handlers, unsubscribing."""

import asyncio
from dataclasses import dataclass

import pytest

from runtime.bus import Bus
from runtime.memory.requests import MemoryRequestBus
from runtime.messaging import BackendUnavailable, RequestHandler, Requests, Responders
from runtime.nats_messaging import NatsRequests


@dataclass(frozen=True)
class Rpc:
    asker: Requests
    server: Responders


@pytest.fixture(params=["memory", "nats"])
def rpc(request: pytest.FixtureRequest) -> Rpc:
    if request.param == "memory":
        memory = MemoryRequestBus()
        return Rpc(memory, memory)
    bus: Bus = request.getfixturevalue("bus")
    nats = NatsRequests(bus.nc)
    return Rpc(nats, nats)


async def echo(data: bytes) -> bytes:
    return b"echo:" + data


async def test_a_request_gets_the_answer(rpc: Rpc) -> None:
    await rpc.server.serve("svc.echo", echo, queue="svc")
    assert await rpc.asker.request("svc.echo", b"hi", timeout=5) == b"echo:hi"


async def test_wildcards_reach_the_responder(rpc: Rpc) -> None:
    await rpc.server.serve("svc.*.one", echo, queue="a")
    await rpc.server.serve("other.>", echo, queue="b")
    assert await rpc.asker.request("svc.x.one", b"1", timeout=5) == b"echo:1"
    assert await rpc.asker.request("other.x.y.z", b"2", timeout=5) == b"echo:2"
    with pytest.raises(BackendUnavailable):
        await rpc.asker.request("svc.x.one.more", b"3", timeout=5)


async def test_no_responders_is_unavailable(rpc: Rpc) -> None:
    with pytest.raises(BackendUnavailable):
        await rpc.asker.request("nobody.home", b"", timeout=30)  # at once, not after 30 s


async def test_an_answer_too_late_is_unavailable(rpc: Rpc) -> None:
    never = asyncio.Event()

    async def stuck(data: bytes) -> bytes:
        await never.wait()
        return data

    await rpc.server.serve("svc.slow", stuck, queue="svc")
    with pytest.raises(BackendUnavailable):
        await rpc.asker.request("svc.slow", b"", timeout=0.2)
    never.set()


async def test_a_failing_handler_sends_no_answer(rpc: Rpc) -> None:
    async def failing(data: bytes) -> bytes:
        raise ValueError("bad")

    await rpc.server.serve("svc.fail", failing, queue="svc")
    with pytest.raises(BackendUnavailable):
        await rpc.asker.request("svc.fail", b"", timeout=0.2)


async def test_one_member_of_a_queue_group_answers_each_request(rpc: Rpc) -> None:
    served: list[str] = []

    def member(name: str) -> RequestHandler:
        async def handle(data: bytes) -> bytes:
            served.append(name)
            return name.encode()

        return handle

    await rpc.server.serve("svc.q", member("one"), queue="svc")
    await rpc.server.serve("svc.q", member("two"), queue="svc")
    answers = [await rpc.asker.request("svc.q", b"", timeout=5) for _ in range(20)]
    assert len(served) == 20
    assert {a.decode() for a in answers} <= {"one", "two"}


async def test_after_unsubscribing_nobody_answers(rpc: Rpc) -> None:
    serving = await rpc.server.serve("svc.gone", echo, queue="svc")
    assert await rpc.asker.request("svc.gone", b"x", timeout=5) == b"echo:x"
    await serving.unsubscribe()
    with pytest.raises(BackendUnavailable):
        await rpc.asker.request("svc.gone", b"x", timeout=1)
