"""Groups through the whole stack: HTTP → session service → simulated WhatsApp → the log →
the store's group views. On the e2e package's shared stack; every test makes its own
tenant."""

from typing import Any

import msgspec
import pytest
from nats.aio.client import Client

from contracts.simulator import SimReply, SimScan
from contracts.simulator_groups import SimGroup, SimGroupReply
from contracts.subjects import sim_subject
from tests.integration.gateway.sse_client import SseReader
from tests.support.http import Api
from tests.support.stacks import on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

PHONE = "+201234567890"
ME = "201234567890@s.whatsapp.net"
PEER, PEER_JID = "+201000000001", "201000000001@s.whatsapp.net"
OTHER, OTHER_JID = "+201000000002", "201000000002@s.whatsapp.net"
PRIVATE = "+201000000403"  # the simulator: privacy settings refuse an add (403)


async def new_tenant(admin: Api, name: str) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": name})
    assert status == 201, body
    return admin.as_key(body["api_key"])


async def phone(sim: Client, request: SimGroup) -> SimGroupReply:
    msg = await sim.request(sim_subject("group"), msgspec.json.encode(request), timeout=10)
    reply = msgspec.json.decode(msg.data, type=SimGroupReply)
    assert reply.ok, reply.error
    return reply


async def new_session(api: Api, sim: Client | None) -> str:
    status, body = await api.call("POST", "/v1/sessions", json={"name": "Groups"})
    assert status == 201, body
    session = str(body["id"])
    if sim is None:
        return session
    assert (await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"}))[0] == 202
    scan = msgspec.json.encode(SimScan(session=session, phone=PHONE))
    reply = msgspec.json.decode((await sim.request(sim_subject("scan"), scan)).data, type=SimReply)
    assert reply.ok, reply.error

    async def connected() -> bool:
        return bool((await api.call("GET", f"/v1/sessions/{session}"))[1]["status"] == "connected")

    await eventually(connected)
    return session


def code(body: Any) -> str:
    return str(body["error"]["code"])


def people(group: dict[str, Any]) -> dict[str, tuple[bool, bool]]:
    return {p["jid"]: (p["is_admin"], p["is_super_admin"]) for p in group["participants"]}


async def test_a_group_from_creation_to_leaving(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "acme")
    s = await new_session(api, sim)
    status, made = await api.call(
        "POST",
        f"/v1/sessions/{s}/groups",
        json={"subject": "Clinic", "participants": [PEER, PRIVATE]},
    )
    assert status == 201, made
    jid = made["jid"]
    assert [(r["jid"], r["status"]) for r in made["participants"]] == [
        (PEER_JID, "ok"),
        ("201000000403@s.whatsapp.net", "not_authorized"),
    ]
    status, group = await api.call("GET", f"/v1/sessions/{s}/groups/{jid}")
    assert status == 200 and group["subject"] == "Clinic" and group["is_member"], group
    assert people(group) == {ME: (True, True), PEER_JID: (False, False)}

    base = f"/v1/sessions/{s}/groups/{jid}"
    for action, expected in [("add", (False, False)), ("promote", (True, False))]:
        status, body = await api.call(
            "POST", base + "/participants", json={"action": action, "participants": [OTHER]}
        )
        assert status == 200 and body["participants"] == [
            {"jid": OTHER_JID, "status": "ok", "error": None}
        ], body
        assert people((await api.call("GET", base))[1])[OTHER_JID] == expected
    status, body = await api.call(
        "POST", base + "/participants", json={"action": "add", "participants": [OTHER, PEER_JID]}
    )
    assert [r["status"] for r in body["participants"]] == ["conflict", "conflict"], body
    status, body = await api.call(
        "POST", base + "/participants", json={"action": "remove", "participants": [OTHER]}
    )
    assert status == 200 and OTHER_JID not in people((await api.call("GET", base))[1])

    status, invite = await api.call("GET", base + "/invite")
    assert status == 200 and invite["invite_link"].startswith("https://chat.whatsapp.com/")
    status, revoked = await api.call("POST", base + "/invite/revoke")
    assert status == 200 and revoked["invite_link"] != invite["invite_link"], revoked

    await phone(
        sim, SimGroup(session=s, action="subject", group=jid, subject="Clinic (new)", by=PEER)
    )

    async def renamed() -> bool:
        return bool((await api.call("GET", base))[1]["subject"] == "Clinic (new)")

    await eventually(renamed)
    status, body = await api.call("POST", base + "/leave")
    assert status == 200 and body == {"jid": jid, "status": "left"}, body
    assert (await api.call("GET", f"/v1/sessions/{s}/groups"))[1]["items"] == []
    status, body = await api.call("GET", f"/v1/sessions/{s}/groups?include_left=true")
    assert [g["jid"] for g in body["items"]] == [jid] and not body["items"][0]["is_member"]
    status, body = await api.call("POST", base + "/leave")
    assert status == 409 and code(body) == "not_group_member", body


async def test_the_phone_makes_a_group_and_others_add_and_remove_the_session(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "phone")
    s = await new_session(api, sim)
    made = await phone(
        sim, SimGroup(session=s, action="create", subject="Family", participants=[PEER])
    )
    joined = await phone(
        sim,
        SimGroup(session=s, action="add", subject="Friends", by=OTHER, participants=[PHONE, PEER]),
    )

    async def both() -> list[str]:
        items = (await api.call("GET", f"/v1/sessions/{s}/groups"))[1]["items"]
        return sorted(g["jid"] for g in items) if len(items) == 2 else []

    assert await eventually(both) == sorted([made.group_jid or "", joined.group_jid or ""])
    friends = (await api.call("GET", f"/v1/sessions/{s}/groups/{joined.group_jid}"))[1]
    assert friends["subject"] == "Friends" and people(friends)[OTHER_JID] == (True, True)
    await phone(
        sim,
        SimGroup(
            session=s, action="remove", group=joined.group_jid, by=OTHER, participants=[PHONE]
        ),
    )

    async def removed() -> bool:
        group = (await api.call("GET", f"/v1/sessions/{s}/groups/{joined.group_jid}"))[1]
        return not group["is_member"] and ME not in people(group)

    await eventually(removed)
    kinds = "group.created,group.joined,group.participants_changed,group.left"
    headers = {"Authorization": f"Bearer {api.key}", "Last-Event-ID": "0"}  # from the start
    async with api.http.get(
        f"{api.base}/v1/events?session_id={s}&types={kinds}", headers=headers
    ) as stream:
        seen = await SseReader(stream).events(4)
    assert [e.event for e in seen] == kinds.split(",")
    assert seen[3].data["payload"]["by_jid"] == OTHER_JID


async def test_bad_requests_change_nothing_and_send_nothing(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "careful")
    s = await new_session(api, sim)
    groups = f"/v1/sessions/{s}/groups"
    for body in (
        {"subject": "Empty", "participants": []},
        {"subject": "", "participants": [PEER]},
        {"subject": "Bad", "participants": ["not a number"]},
        {"subject": "Group", "participants": ["120363000000000001@g.us"]},
    ):
        status, answer = await api.call("POST", groups, json=body)
        assert status == 422, (body, answer)
    made = await phone(
        sim, SimGroup(session=s, action="create", subject="Mine", participants=[PEER])
    )
    base = f"{groups}/{made.group_jid}"
    await eventually(lambda: _status(api, base, 200))
    status, body = await api.call(
        "POST", base + "/participants", json={"action": "add", "participants": []}
    )
    assert status == 422, body
    status, body = await api.call(
        "POST", base + "/participants", json={"action": "kick", "participants": [PEER]}
    )
    assert status == 422, body
    assert people((await api.call("GET", base))[1]) == {ME: (True, True), PEER_JID: (False, False)}
    status, body = await api.call("GET", f"{groups}/120363999999999999@g.us")
    assert status == 404, body
    assert (await api.call("GET", f"{groups}/{PEER_JID}"))[0] == 404
    status, body = await api.call("POST", f"{groups}/120363999999999999@g.us/leave")
    assert status == 404, body
    [listed] = (await api.call("GET", groups))[1]["items"]
    assert listed["jid"] == made.group_jid

    other = await new_tenant(admin, "nosy")
    for method, path in [("GET", groups), ("GET", base), ("POST", base + "/leave")]:
        status, body = await other.call(method, path)
        assert status == 404, (path, body)
    status, body = await other.call("POST", groups, json={"subject": "X", "participants": [PEER]})
    assert status == 404, body

    idle = await new_session(api, None)
    status, body = await api.call(
        "POST", f"/v1/sessions/{idle}/groups", json={"subject": "Offline", "participants": [PEER]}
    )
    assert status == 409 and code(body) == "not_connected", body
    assert (await api.call("GET", f"/v1/sessions/{idle}/groups"))[1]["items"] == []


async def _status(api: Api, path: str, status: int) -> bool:
    return (await api.call("GET", path))[0] == status


async def test_a_retried_create_with_an_idempotency_key_makes_one_group(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "retry")
    s = await new_session(api, sim)
    body = {"subject": "Once", "participants": [PEER]}
    key = {"Idempotency-Key": "create-once-1"}
    first = await api.call("POST", f"/v1/sessions/{s}/groups", json=body, headers=key)
    again = await api.call("POST", f"/v1/sessions/{s}/groups", json=body, headers=key)
    assert first[0] == again[0] == 201 and first[1] == again[1], (first, again)
    items = (await api.call("GET", f"/v1/sessions/{s}/groups"))[1]["items"]
    assert [g["jid"] for g in items] == [first[1]["jid"]]
