"""The gateway's requester on a real NATS server: concurrent requests each get their own
answer; no responder and a silent responder both become BackendUnavailable; a typed responder that
fails answers a refusal at once."""

import asyncio

import msgspec
import pytest

from contracts.commands import Refused
from contracts.queries import GetSession, SessionView
from contracts.subjects import query_subject
from runtime.bus import Bus
from runtime.requester import Requester
from runtime.rpc import BackendUnavailable, serve, serve_typed


async def test_concurrent_requests_get_their_own_answers(bus: Bus) -> None:
    async def echo(data: bytes) -> bytes:
        await asyncio.sleep(0.001 * (int(data) % 3))  # answers come back out of order
        return b"re:" + data

    sub = await serve(bus.nc, "test.echo", echo, queue="echo")
    requester = Requester(bus.nc)
    replies = await asyncio.gather(
        *(requester.request("test.echo", str(n).encode(), timeout=5) for n in range(200))
    )
    assert replies == [f"re:{n}".encode() for n in range(200)]
    await sub.unsubscribe()


async def test_no_responder_and_a_silent_one_are_backend_unavailable(bus: Bus) -> None:
    requester = Requester(bus.nc)
    with pytest.raises(BackendUnavailable):
        await requester.request("test.nobody", b"", timeout=30)  # answered at once: 503
    silent = await bus.nc.subscribe("test.silent")
    with pytest.raises(BackendUnavailable):
        await requester.request("test.silent", b"", timeout=0.2)
    await silent.unsubscribe()


async def test_a_typed_handler_that_fails_answers_internal_at_once(bus: Bus) -> None:
    async def broken(query: GetSession) -> SessionView:
        raise RuntimeError("a bug")

    subject = query_subject("test")
    sub = await serve_typed(bus.nc, subject, GetSession, broken, queue="t", malformed="bad")
    ask = GetSession(tenant="t1", session="s1")
    reply = await Requester(bus.nc).request(subject, msgspec.json.encode(ask), timeout=30)
    refused = msgspec.json.decode(reply, type=Refused)  # at once, not the timeout's 503
    assert refused.code == "internal" and "a bug" not in refused.message  # the log has it
    await sub.unsubscribe()
