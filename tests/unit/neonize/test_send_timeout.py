"""The send timeout runs from when the Go call got a thread: a send that waited in the queue
past it never runs and is "not sent" (retryable); one that ran out of time inside the call may
have left (final). ``GoDial`` stands in for neonize's client: its send is one pool job, as
neonize's ``SendMessage`` is (``asyncio.to_thread``)."""

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from services.session.adapters.whatsapp.neonize.sending import send_once
from services.session.adapters.whatsapp.neonize.threads import CountedThreadPool
from services.session.adapters.whatsapp.port import SendFailed
from tests.support.waiting import eventually

TO = "201234567890@s.whatsapp.net"


class Response:
    ID = "3EB0ABC"


class GoDial:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.release = threading.Event()

    async def send_message(self, to: object, message: Message) -> Response:
        def blocking() -> Response:
            self.release.wait()
            self.sent.append(message.conversation)
            return Response()

        return await asyncio.to_thread(blocking)


@pytest.fixture
async def pool() -> AsyncIterator[CountedThreadPool]:
    executor = CountedThreadPool(1, thread_name_prefix="test")
    asyncio.get_running_loop().set_default_executor(executor)
    yield executor
    executor.shutdown(wait=False)


async def test_a_send_that_got_no_thread_in_time_was_not_sent(pool: CountedThreadPool) -> None:
    """Fails on the old code, which timed the queue too and called this "may have left"."""
    held = threading.Event()
    busy = asyncio.get_running_loop().run_in_executor(pool, held.wait)  # the only thread
    go = GoDial()
    go.release.set()
    with pytest.raises(SendFailed) as failed:
        await send_once(go, chat_jid=TO, message=Message(conversation="hi"), timeout=0.2)  # type: ignore[arg-type]
    assert failed.value.retryable and "not sent" in str(failed.value)
    held.set()
    await busy

    async def queue_drained() -> bool:
        return pool.in_use == 0

    await eventually(queue_drained)
    assert go.sent == []  # abandoned: it never ran, so it can never go out late


async def test_a_send_that_timed_out_inside_the_call_may_have_left(
    pool: CountedThreadPool,
) -> None:
    go = GoDial()  # never released within the timeout
    with pytest.raises(SendFailed) as failed:
        await send_once(
            go, chat_jid=TO, message=Message(conversation="hi"), timeout=0.2, queue_timeout=60
        )  # type: ignore[arg-type]
    assert not failed.value.retryable and "may have been delivered" in str(failed.value)
    go.release.set()


async def test_a_send_that_waited_for_a_thread_gets_its_whole_timeout(
    pool: CountedThreadPool,
) -> None:
    held = threading.Event()
    busy = asyncio.get_running_loop().run_in_executor(pool, held.wait)
    go = GoDial()
    send = asyncio.ensure_future(
        send_once(go, chat_jid=TO, message=Message(conversation="hi"), timeout=30)
    )  # type: ignore[arg-type]
    held.set()  # the thread frees up; the send starts, then completes
    await busy
    go.release.set()
    assert await send == "3EB0ABC" and go.sent == ["hi"]
