"""SIGKILL the session service while the pacer holds a read receipt the gateway answered 202
for: after the restart it reaches WhatsApp once and ``chat.read`` is in the log once (the
whole stack as processes; the simulator's record of chat actions is in files)."""

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from contracts.simulator_chats import SimChatActions, SimChatActionsReply
from contracts.subjects import sim_subject
from tests.faults.support import PEER, connected_session, log_events, running, sim
from tests.support.http import Api
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")
PEER_JID = "201000000001@s.whatsapp.net"
HELD = {"WA_SEND_PER_MINUTE": "0.01", "WA_SEND_BURST": "1"}  # one now, the next in 100 min


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    async with running(Path(tmp_path_factory.mktemp("receipts")) / "var", HELD) as local:
        yield local


async def _reads(nc: Client, session: str) -> list[str]:
    request = msgspec.json.encode(SimChatActions(session=session))
    msg = await nc.request(sim_subject("chat-actions"), request, timeout=10)
    done = msgspec.json.decode(msg.data, type=SimChatActionsReply).actions
    return [i for a in done if a.kind == "read" for i in a.message_ids]


async def _of_type(nc: Client, session: str, kind: str, count: int) -> list[str]:
    found = [e.id for _, e in await log_events(nc, session) if e.type == kind]
    return found if len(found) >= count else []


async def test_a_held_receipt_survives_a_sigkill_and_goes_once(
    stack: LocalStack, nc: Client, api: Api
) -> None:
    session = await connected_session(api, nc, "receipts")
    send = {"to": PEER, "text": "takes the pacer's only token"}
    status, body = await api.call("POST", f"/v1/sessions/{session}/messages", json=send)
    assert status == 202, body
    await eventually(lambda: _of_type(nc, session, "message.sent", 1), timeout=20)
    ids = []
    for n in range(3):
        reply = await sim(nc, "incoming", SimIncoming(session=session, sender=PEER_JID,
                                                      text=f"hi {n}"))  # fmt: skip
        assert reply.ok and reply.message_id
        ids.append(reply.message_id)

    async def unread(count: int) -> bool:
        status, body = await api.call("GET", f"/v1/sessions/{session}/chats")
        return status == 200 and [c["unread_count"] for c in body["items"]] == [count]

    await eventually(lambda: unread(3), timeout=20)
    status, body = await api.call("POST", f"/v1/sessions/{session}/chats/{PEER_JID}/read")
    assert status == 202 and body["status"] == "queued", body
    await eventually(lambda: _of_type(nc, session, "chat.read_queued", 1), timeout=20)
    assert await _reads(nc, session) == []  # held by the pacer

    stack.kill("session")
    stack.start_service("session")
    (read,) = await eventually(lambda: _of_type(nc, session, "chat.read", 1), timeout=60)
    assert Counter(await _reads(nc, session)) == Counter(ids)  # each receipt sent once
    events = [e for _, e in await log_events(nc, session)]
    assert [e.id for e in events if e.type == "chat.read"] == [read]
    assert len({e.id for e in events}) == len(events)
    await eventually(lambda: unread(0), timeout=20)  # the store projected it
