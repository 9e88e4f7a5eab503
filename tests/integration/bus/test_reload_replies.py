"""A credential issued or revoked makes every node reload its users. A request in flight at
that moment still gets its answer: a service answers its callers on their inbox, which its
permissions name, rather than through the server's memory of requests it delivered (which a
reload forgets). Against one real, locked nats-server."""

import asyncio
import contextlib

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import NoRespondersError

from runtime.nats_auth.credentials import Credentials
from runtime.nats_auth.node import LockedNats
from services.gateway.adapters.bus_credentials import BusCredentials
from tests.integration.bus.support import Watched, connect_when_accepted, subscriber_creds
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("caller", "service", "subject"),
    [
        ("gateway", "store", "wa.qry.store"),
        ("gateway", "session", "wa.cmd.session.s1.send"),
        ("gateway", "reminder", "wa.cmd.reminder.create"),
        ("gateway", "webhooks", "wa.webhooks"),
        ("reminder", "session", "wa.cmd.session.s1.send"),
        ("webhooks", "store", "wa.qry.store"),
    ],
)
async def test_a_reply_sent_after_a_reload_reaches_the_caller(
    locked: LockedNats, creds: dict[str, Credentials], caller: str, service: str, subject: str
) -> None:
    answering, asking, issuing = Watched(), Watched(), Watched()
    server = await answering.connect(locked.url, creds[service])
    client = await asking.connect(locked.url, creds[caller])
    gateway = await issuing.connect(locked.url, creds["gateway"])
    bucket = await eventually(lambda: _opened(gateway))  # JetStream answers soon after start
    received, reloaded = asyncio.Event(), asyncio.Event()

    async def answer(msg: Msg) -> None:
        if msg.data == b"question":
            received.set()
            await reloaded.wait()
        await msg.respond(b"answer")

    await server.subscribe(subject, cb=answer)
    await server.flush()
    request = await _held(client, subject, received)
    # A team's credential is issued while the request waits: the server reloads its users.
    issued, password = await bucket.issue("t1", "crm team")
    await connect_when_accepted(locked.url, subscriber_creds(issued, password), Watched())
    reloaded.set()
    assert (await request).data == b"answer"
    assert not answering.errors, answering.errors


async def _opened(nc: Client) -> BusCredentials | None:
    try:
        return await BusCredentials.open(nc.jetstream(timeout=2))
    except (NoRespondersError, TimeoutError):
        return None


async def _held(client: Client, subject: str, received: asyncio.Event) -> asyncio.Future[Msg]:
    """A request the service holds: asked until the service has it (the server may answer
    "no responders" while it still applies the users agent's first reload)."""
    for _ in range(20):
        request = asyncio.ensure_future(client.request(subject, b"question", timeout=10))
        held = asyncio.ensure_future(received.wait())
        await asyncio.wait([request, held], return_when=asyncio.FIRST_COMPLETED)
        if received.is_set():
            return request
        held.cancel()
        with contextlib.suppress(NoRespondersError):
            await request
        await eventually(lambda: _answers(client, subject))
    raise AssertionError("the service never received the request")


async def _answers(client: Client, subject: str) -> bool:
    try:
        await client.request(subject, b"probe", timeout=1)
    except (NoRespondersError, TimeoutError):
        return False
    return True
