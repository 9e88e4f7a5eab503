"""Driving a running stack as a tenant would: a tenant, a session paired through the
simulator and connected, and the simulator's control requests."""

import msgspec
from nats.aio.client import Client

from contracts.simulator import SimReply, SimScan
from contracts.subjects import sim_subject
from tests.support.http import Api
from tests.support.waiting import eventually

__all__ = ["PHONE", "connected_session", "drive", "new_session", "new_tenant", "status_is"]

PHONE = "+201234567890"


async def new_tenant(admin: Api, name: str = "acme") -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": name})
    assert status == 201, body
    return admin.as_key(body["api_key"])


async def drive(sim: Client, verb: str, request: msgspec.Struct) -> SimReply:
    """A simulator control request (``sim.<verb>``); asserts that it succeeded."""
    msg = await sim.request(sim_subject(verb), msgspec.json.encode(request), timeout=10)
    reply = msgspec.json.decode(msg.data, type=SimReply)
    assert reply.ok, reply.error
    return reply


async def new_session(api: Api, name: str = "Sales") -> str:
    status, body = await api.call("POST", "/v1/sessions", json={"name": name})
    assert status == 201, body
    return str(body["id"])


async def connected_session(api: Api, sim: Client, name: str = "Sales") -> str:
    """A new session, paired by QR (the simulated phone scans it), once it is connected."""
    session = await new_session(api, name)
    status, body = await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"})
    assert status == 202 and body["status"] == "pairing", body
    await drive(sim, "scan", SimScan(session=session, phone=PHONE))
    await eventually(lambda: status_is(api, session, "connected"))
    return session


async def status_is(api: Api, session: str, wanted: str) -> bool:
    return bool((await api.call("GET", f"/v1/sessions/{session}"))[1]["status"] == wanted)
