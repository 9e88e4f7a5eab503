"""Helpers of the media lifecycle tests: sessions, received files, uploads, links, usage."""

from collections.abc import Awaitable
from typing import Any

import msgspec
from nats.aio.client import Client

from contracts.media import USAGE_BUCKET
from contracts.simulator import SimIncoming, SimIncomingMedia, SimScan
from runtime.media.listing import list_objects
from tests.support.http import Api
from tests.support.sessions import drive
from tests.support.waiting import eventually

PEER = "+201000000001"


async def connected(api: Api, sim: Client, phone: str) -> str:
    status, body = await api.call("POST", "/v1/sessions", json={"name": "Media"})
    assert status == 201, body
    session = str(body["id"])
    assert (await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"}))[0] == 202
    await drive(sim, "scan", SimScan(session=session, phone=phone))

    async def up() -> bool:
        return bool((await api.call("GET", f"/v1/sessions/{session}"))[1]["status"] == "connected")

    await eventually(up)
    return session


async def receive(api: Api, sim: Client, session: str, data: bytes) -> dict[str, Any]:
    media = SimIncomingMedia(kind="image", data=data)
    reply = await drive(
        sim, "incoming", SimIncoming(session=session, sender=PEER, text="", media=media)
    )
    path = f"/v1/sessions/{session}/messages/{reply.message_id}"

    async def settled() -> dict[str, Any]:
        status, body = await api.call("GET", path)
        done = status == 200 and body.get("media_status") in ("stored", "failed")
        return dict(body) if done else {}

    return await eventually(settled)


async def get(api: Api, url: str, key: bool = False) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {api.key}"} if key else {}
    async with api.http.get(url, headers=headers) as resp:
        return resp.status, await resp.read()


def file_url(api: Api, session: str, message_id: str) -> str:
    return f"{api.base}/v1/sessions/{session}/messages/{message_id}/media"


def code(body: bytes) -> str:
    return str(msgspec.json.decode(body)["error"]["code"])


async def upload(api: Api, data: bytes, query: str = "") -> tuple[int, dict[str, Any]]:
    url = f"{api.base}/v1/media{query}"
    headers = {"Authorization": f"Bearer {api.key}", "Content-Type": "image/png"}
    async with api.http.post(url, data=data, headers=headers) as resp:
        return resp.status, await resp.json()


def api_tenant(event: dict[str, object]) -> str:
    return str(event["tenant"])


async def usage_of(sim: Client, tenant: str) -> int:
    kv = await sim.jetstream().key_value(USAGE_BUCKET)
    try:
        return int((await kv.get(tenant)).value or b"0")
    except Exception:
        return 0


async def tenant_of_upload(sim: Client, upload_id: str) -> str:
    [found] = await list_objects(sim.jetstream(), lambda item: item.name.endswith(upload_id))
    assert found.tenant is not None
    return found.tenant


async def equals(value: Awaitable[int], expected: int) -> bool:
    return bool(await value == expected)
