"""The whole stack (real session service with the simulator, store, gateway, reminder): a
reminder due while the number is logged out is deferred once, WhatsApp sees nothing while it is
down, and it goes out after the number is paired again. On the e2e package's shared stack."""

from datetime import UTC, datetime, timedelta

import aiohttp
import msgspec
import pytest
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimDrop, SimReply, SimScan, SimSent, SimSentReply
from contracts.subjects import sim_subject
from tests.support.http import Api
from tests.support.stacks import on_the_shared_stack
from tests.support.waiting import eventually

PHONE = "+201001234567"
pytestmark = pytest.mark.asyncio(loop_scope="package")
stack = on_the_shared_stack()[0]


async def sim(nc: Client, verb: str, request: msgspec.Struct) -> bytes:
    msg = await nc.request(sim_subject(verb), msgspec.json.encode(request), timeout=10)
    return msg.data


async def pair(api: Api, nc: Client, session: str) -> None:
    status, body = await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"})
    assert status == 202, body
    reply = msgspec.json.decode(await sim(nc, "scan", SimScan(session=session, phone=PHONE)),
                                type=SimReply)  # fmt: skip
    assert reply.ok, reply

    async def connected() -> bool:
        return bool((await api.call("GET", f"/v1/sessions/{session}"))[1]["status"] == "connected")

    await eventually(connected, timeout=20)


async def test_a_reminder_waits_for_a_logged_out_number_and_goes_after_pairing(
    stack: LocalStack,
) -> None:
    nc = await stack.connect_operator()
    async with aiohttp.ClientSession() as http:
        admin = Api(http, stack.url, stack.admin_token)
        status, created = await admin.call("POST", "/v1/tenants", json={"name": "clinic"})
        assert status == 201, created
        api = admin.as_key(created["api_key"])
        status, body = await api.call("POST", "/v1/sessions", json={"name": "Front desk"})
        session = body["id"]
        await pair(api, nc, session)
        await sim(nc, "drop", SimDrop(session=session, reason="logout"))

        async def logged_out() -> bool:
            return bool((await api.call("GET", f"/v1/sessions/{session}"))[1]["status"]
                        == "logged_out")  # fmt: skip

        await eventually(logged_out, timeout=20)
        due = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        status, reminder = await api.call("POST", "/v1/reminders", json={
            "session_id": session, "to": "01001234568", "due_at": due,
            "text": "Your appointment is tomorrow at 10:00"})  # fmt: skip
        assert status == 201, reminder
        one = f"/v1/reminders/{reminder['id']}"

        async def deferred() -> bool:
            return bool((await api.call("GET", one))[1]["status"] == "deferred")

        await eventually(deferred, timeout=20)

        async def sent_by_whatsapp() -> list[object]:
            data = await sim(nc, "sent", SimSent(session=session))
            return list(msgspec.json.decode(data, type=SimSentReply).sent)

        assert await sent_by_whatsapp() == []  # nothing touched WhatsApp while it was down
        await pair(api, nc, session)

        async def sent() -> bool:
            return bool((await api.call("GET", one))[1]["status"] == "sent")

        await eventually(sent, timeout=30)
        [message] = await sent_by_whatsapp()
        assert message.text == "Your appointment is tomorrow at 10:00"  # type: ignore[attr-defined]
        history = [h["event"] for h in (await api.call("GET", one))[1]["history"]]
        assert history.count("reminder.deferred") == 1 and history[-1] == "reminder.sent"
    await nc.close()
