"""Chats and contacts through the whole stack with the simulator: the chats list (one chat per
person across @lid and phone), paced read receipts, presence and typing before sends, number
checks and profile pictures (cached), each behind the connectivity gate and the tenant wall.

On the e2e package's shared stack (fast pacing and typing); every test makes its own
tenant."""

from typing import Any

import msgspec
import pytest
from nats.aio.client import Client

from contracts.simulator import SimIncoming, SimSent, SimSentReply
from contracts.simulator_chats import (
    SimChatAction,
    SimChatActions,
    SimChatActionsReply,
    SimNumber,
    SimNumbers,
    SimPicture,
)
from contracts.subjects import sim_subject
from tests.e2e.test_media import code
from tests.support.http import Api
from tests.support.sessions import connected_session, drive, new_tenant
from tests.support.stacks import on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

LID, PHONE = "5500112233@lid", "+201000000031"
PHONE_JID, OTHER, GROUP = "201000000031@s.whatsapp.net", "+201000000032", "120363000009@g.us"


async def actions(sim: Client, session: str, kind: str | None = None) -> list[SimChatAction]:
    request = msgspec.json.encode(SimChatActions(session=session))
    msg = await sim.request(sim_subject("chat-actions"), request, timeout=10)
    done = msgspec.json.decode(msg.data, type=SimChatActionsReply).actions
    return [a for a in done if kind is None or a.kind == kind]


async def chats(api: Api, session: str) -> list[dict[str, Any]]:
    status, body = await api.call("GET", f"/v1/sessions/{session}/chats")
    assert status == 200, body
    return list(body["items"])


async def incoming(sim: Client, session: str, sender: str, text: str, **more: Any) -> str:
    request = SimIncoming(session=session, sender=sender, text=text, **more)
    reply = await drive(sim, "incoming", request)
    assert reply.message_id
    return reply.message_id


async def test_chats_list_and_paced_read_receipts_across_both_identities(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "chats")
    session = await connected_session(api, sim)
    first = await incoming(sim, session, LID, "hi by lid", sender_phone=PHONE, push_name="Laila")
    second = await incoming(sim, session, LID, "again", sender_phone=PHONE)
    await incoming(sim, session, OTHER, "from a group", group=GROUP)
    await incoming(sim, session, OTHER, "hello", push_name="Omar")

    async def listed() -> bool:
        return len(await chats(api, session)) == 3

    await eventually(listed)
    items = await chats(api, session)
    assert [c["kind"] for c in items] == ["user", "group", "user"]  # most recent first
    laila = items[2]
    assert (laila["jid"], laila["lid"], laila["name"]) == (PHONE_JID, LID, "Laila")
    assert laila["unread_count"] == 2 and laila["last_message"]["message_id"] == second
    status, body = await api.call("GET", f"/v1/sessions/{session}/contacts")
    people = {c["jid"]: c["lid"] for c in body["items"]}
    assert people == {PHONE_JID: LID, "201000000032@s.whatsapp.net": None}  # one Laila

    third = await incoming(sim, session, PHONE, "and by phone")  # the same chat, another JID

    async def three_unread() -> bool:
        return (await chats(api, session))[0]["unread_count"] == 3

    await eventually(three_unread)
    laila = (await chats(api, session))[0]
    path = f"/v1/sessions/{session}/chats/{PHONE}/read"
    status, body = await api.call("POST", path)
    assert status == 202 and body == {"chat": PHONE_JID, "status": "queued", "messages": 3}

    async def read() -> bool:
        return (await chats(api, session))[0]["unread_count"] == 0

    await eventually(read)
    now = (await chats(api, session))[0]  # the read is the chat's last event now
    assert now["sequence"] > laila["sequence"] and now["last_read_at"] is not None
    status, body = await api.call("GET", f"/v1/sessions/{session}/chats?after_event=" +
                                  str(now["sequence"]))  # fmt: skip
    assert status == 200 and body["items"][0] == now
    # each receipt names the JID its messages came in on: WhatsApp ignores one for the other
    receipts = {r.chat_jid: set(r.message_ids) for r in await actions(sim, session, "read")}
    assert receipts == {LID: {first, second}, PHONE_JID: {third}}
    status, body = await api.call("POST", path)  # again: nothing is unread, nothing is sent
    assert status == 202 and body["status"] == "nothing_to_read"
    assert len(await actions(sim, session, "read")) == 2


async def test_a_reply_of_ours_after_the_unread_messages_hides_none_of_them(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "replied")
    session = await connected_session(api, sim)
    peer = "+201000000041"
    unread = {await incoming(sim, session, peer, text) for text in ("one", "two")}
    status, sent = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": peer, "text": "on my way"}
    )
    assert status == 202, sent

    async def replied() -> bool:
        items = await chats(api, session)
        return bool(items) and items[0]["last_message"]["message_id"] == sent["id"]

    await eventually(replied)
    status, body = await api.call("POST", f"/v1/sessions/{session}/chats/{peer}/read")
    assert status == 202 and body["messages"] == 2, body  # not cut to the 2 newest rows

    async def receipted() -> bool:
        return len(await actions(sim, session, "read")) == 1

    await eventually(receipted)
    (receipt,) = await actions(sim, session, "read")
    assert set(receipt.message_ids) == unread

    stranger = await new_tenant(admin, "stranger")
    elsewhere = [
        ("GET", "/chats", None),
        ("POST", f"/chats/{PHONE}/read", None),
        ("POST", f"/chats/{PHONE}/presence", {"state": "composing"}),
        ("PATCH", "", {"typing_before_send": True}),
    ]
    for method, where, json in elsewhere:
        status, body = await stranger.call(method, f"/v1/sessions/{session}{where}", json=json)
        assert status == 404 and code(body) == "not_found", where
    assert [a.kind for a in await actions(sim, session)] == ["read"]  # nothing more was sent


async def test_presence_and_typing_before_each_send(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "typing")
    session = await connected_session(api, sim)
    presence = f"/v1/sessions/{session}/chats/{OTHER}/presence"
    status, body = await api.call("POST", presence, json={"state": "recording"})
    assert status == 202 and body["state"] == "recording"
    status, body = await api.call("POST", presence, json={"state": "shouting"})
    assert status == 422 and code(body) == "validation_failed"

    async def shown() -> bool:
        return [a.state for a in await actions(sim, session, "presence")] == ["recording"]

    await eventually(shown)
    options = {"typing_before_send": True}
    status, body = await api.call("PATCH", f"/v1/sessions/{session}", json=options)
    assert status == 200 and body["typing_before_send"] is True
    message = {"to": OTHER, "text": "typed first"}
    status, body = await api.call("POST", f"/v1/sessions/{session}/messages", json=message)
    assert status == 202, body

    async def sent() -> bool:
        msg = await sim.request(sim_subject("sent"), msgspec.json.encode(SimSent(session=session)))
        return len(msgspec.json.decode(msg.data, type=SimSentReply).sent) == 1

    await eventually(sent)
    states = [a.state for a in await actions(sim, session, "presence")]
    assert states == ["recording", "composing"]  # "typing…" came before the send


async def test_number_checks_and_profile_pictures_are_cached_and_bounded(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "lookups")
    session = await connected_session(api, sim)
    numbers = [SimNumber(phone=PHONE, lid=LID)]
    await drive(sim, "numbers", SimNumbers(session=session, numbers=numbers))
    await drive(sim, "picture", SimPicture(session=session, jid=PHONE_JID, data=b"\xff\xd8jpeg"))
    check = f"/v1/sessions/{session}/contacts/check"
    for _ in range(2):  # the second answer comes from the cache
        status, body = await api.call("POST", check, json={"phones": [PHONE, OTHER]})
        assert status == 200, body
        assert body["results"] == [
            {"input": PHONE, "on_whatsapp": True, "jid": PHONE_JID, "lid": LID},
            {"input": OTHER, "on_whatsapp": False, "jid": None, "lid": None},
        ]
    assert len(await actions(sim, session, "check")) == 1

    async def linked() -> bool:  # the answer's phone JID and LID are one contact now
        _, body = await api.call("GET", f"/v1/sessions/{session}/contacts")
        return [(c["jid"], c["lid"]) for c in body["items"]] == [(PHONE_JID, LID)]

    await eventually(linked)
    status, body = await api.call("POST", check, json={"phones": [PHONE] * 51})
    assert status == 422 and code(body) == "validation_failed"
    status, body = await api.call("POST", check, json={"phones": ["not a number"]})
    assert status == 422 and code(body) == "invalid_phone"
    assert len(await actions(sim, session, "check")) == 1  # nothing more was asked

    for _ in range(2):
        status, body = await api.call("GET", f"/v1/sessions/{session}/contacts/{PHONE}/picture")
        assert status == 200 and body == b"\xff\xd8jpeg"
    status, body = await api.call("GET", f"/v1/sessions/{session}/contacts/{OTHER}/picture")
    assert status == 404 and code(body) == "not_found"
    assert len(await actions(sim, session, "picture")) == 2  # one each: the repeat was cached
    huge = "201000000033@s.whatsapp.net"  # more than a command's reply may carry
    await drive(sim, "picture", SimPicture(session=session, jid=huge, data=b"\xff" * 600_000))
    status, body = await api.call("GET", f"/v1/sessions/{session}/contacts/{huge}/picture")
    assert status == 502 and code(body) == "whatsapp_failed"

    stranger = await new_tenant(admin, "stranger2")
    status, _ = await stranger.call("POST", check, json={"phones": [PHONE]})
    assert status == 404
    status, _ = await stranger.call("GET", f"/v1/sessions/{session}/contacts/{PHONE}/picture")
    assert status == 404


async def test_nothing_reaches_whatsapp_unless_connected(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "offline")
    new = {"name": "Never paired", "typing_before_send": True}
    status, body = await api.call("POST", "/v1/sessions", json=new)
    assert status == 201 and body["typing_before_send"] is True
    session = body["id"]
    calls = [
        ("POST", f"chats/{PHONE}/read", None),
        ("POST", f"chats/{PHONE}/presence", {"state": "composing"}),
        ("POST", "contacts/check", {"phones": [PHONE]}),
        ("GET", f"contacts/{PHONE}/picture", None),
    ]
    for method, where, json in calls:
        status, body = await api.call(method, f"/v1/sessions/{session}/{where}", json=json)
        assert status == 409 and code(body) == "not_connected", (where, body)
    assert await actions(sim, session) == []
