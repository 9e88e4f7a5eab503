"""Replies, locations, contact cards, reactions, edits and revokes through the whole stack:
HTTP in, the simulator as WhatsApp, the store's message view out. On the e2e package's
shared stack; every test makes its own tenant."""

from typing import Any

import msgspec
import pytest
import pytest_asyncio
from nats.aio.client import Client

from contracts.conversation import ContactCard, Edit, Location, React, Revoke
from contracts.simulator import SimDrop, SimIncoming, SimSent, SimSentReply
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from contracts.subjects import sim_subject
from tests.integration.gateway.sse_client import SseReader
from tests.support.http import Api
from tests.support.sessions import connected_session, drive, new_tenant
from tests.support.stacks import on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

PHONE = "+201234567890"
PEER, PEER_JID = "+201000000001", "201000000001@s.whatsapp.net"
OTHER = "+201000000002"


async def sent(sim: Client, session: str) -> SimSentReply:
    msg = await sim.request(sim_subject("sent"), msgspec.json.encode(SimSent(session=session)))
    return msgspec.json.decode(msg.data, type=SimSentReply)


class Chat:
    """A tenant with one connected session, and the calls the tests make on it."""

    def __init__(self, api: Api, sim: Client, session: str) -> None:
        self.api, self.sim, self.session = api, sim, session
        self.path = f"/v1/sessions/{session}/messages"

    @classmethod
    async def open(cls, admin: Api, sim: Client, name: str) -> "Chat":
        api = await new_tenant(admin, name)
        return cls(api, sim, await connected_session(api, sim))

    async def incoming(self, **fields: Any) -> str:
        request = SimIncoming(session=self.session, sender=fields.pop("sender", PEER), **fields)
        message_id = (await drive(self.sim, "incoming", request)).message_id or ""
        await self.view(message_id)
        return message_id

    async def view(self, message_id: str, until: Any = bool) -> dict[str, Any]:
        async def seen() -> dict[str, Any]:
            status, body = await self.api.call("GET", f"{self.path}/{message_id}")
            return body if status == 200 and until(body) else {}

        return await eventually(seen)

    async def send(self, **body: Any) -> str:
        status, answer = await self.api.call("POST", self.path, json={"to": PEER, **body})
        assert status == 202, answer
        await self.view(answer["id"], lambda m: m["status"] == "sent")
        return str(answer["id"])

    async def on_whatsapp(self, message_id: str) -> Any:
        async def there() -> Any:
            found = [m for m in (await sent(self.sim, self.session)).sent]
            return next((m for m in found if m.message_id == message_id), None)

        return await eventually(there)


@pytest_asyncio.fixture(loop_scope="package")
async def chat(admin: Api, sim: Client, request: pytest.FixtureRequest) -> Chat:
    return await Chat.open(admin, sim, request.node.name[:40])


async def test_replies_locations_and_contact_cards_both_ways(chat: Chat) -> None:
    asked = await chat.incoming(text="where are you?")
    reply = await chat.send(text="here", reply_to=asked)
    assert (await chat.on_whatsapp(reply)).reply_to == asked
    assert (await chat.view(reply))["reply_to"] == asked
    pin = {"latitude": 30.0444, "longitude": 31.2357, "name": "Tahrir"}
    place = await chat.send(location=pin, reply_to=asked)
    on_wa = await chat.on_whatsapp(place)
    tahrir = Location(latitude=30.0444, longitude=31.2357, name="Tahrir")
    assert on_wa.location == tahrir and on_wa.reply_to == asked
    assert (await chat.view(place))["location"]["name"] == "Tahrir"
    card = await chat.send(contact={"name": "Mona", "phone": "+201000000009"})
    vcard = (await chat.on_whatsapp(card)).contact.vcard
    assert "FN:Mona" in vcard and "waid=201000000009" in vcard
    other_chat = await chat.incoming(sender=OTHER, text="hi")
    before = len((await sent(chat.sim, chat.session)).sent)
    for bad in ("nope", other_chat):  # unknown, and a message of another chat
        status, body = await chat.api.call(
            "POST", chat.path, json={"to": PEER, "text": "x", "reply_to": bad}
        )
        assert (status, body["error"]["code"]) == (422, "invalid_reply_to")
    status, body = await chat.api.call(
        "POST", chat.path, json={"to": PEER, "text": "x", "location": pin}
    )
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    assert len((await sent(chat.sim, chat.session)).sent) == before
    here = ContactCard(name="Ali", phone="+201000000003")
    quoted = await chat.incoming(text="", location=Location(latitude=1.5, longitude=2.5),
                                 reply_to=reply)  # fmt: skip
    shared = await chat.incoming(text="", contact=here)
    got = await chat.view(quoted)
    assert (got["reply_to"], got["location"]["latitude"], got["media_kind"]) == (
        reply,
        1.5,
        "location",
    )
    assert (await chat.view(shared))["contact"]["name"] == "Ali"


async def test_reactions_edits_and_revokes_both_ways(chat: Chat, admin: Api) -> None:
    theirs = await chat.incoming(text="lunch?")
    ours = await chat.send(text="sure")
    status, body = await chat.api.call(
        "PUT", f"{chat.path}/{theirs}/reaction", json={"emoji": "👍"}
    )
    assert status == 202, body
    assert (await chat.on_whatsapp(body["id"])).action == React(emoji="👍")
    await chat.view(theirs, lambda m: [r["emoji"] for r in m["reactions"]] == ["👍"])
    await drive(chat.sim, "react", SimReact(session=chat.session, sender=PEER,
                                            message_id=ours, emoji="❤️"))  # fmt: skip
    got = await chat.view(ours, lambda m: m["reactions"])
    assert [(r["sender_jid"], r["emoji"], r["from_me"]) for r in got["reactions"]] == [
        (PEER_JID, "❤️", False)
    ]
    status, body = await chat.api.call("DELETE", f"{chat.path}/{theirs}/reaction")
    assert status == 202, body
    await chat.view(theirs, lambda m: m["reactions"] == [])
    before = len((await sent(chat.sim, chat.session)).sent)
    for emoji in ("ok", "👍👍", "👍a"):
        status, body = await chat.api.call(
            "PUT", f"{chat.path}/{theirs}/reaction", json={"emoji": emoji}
        )
        assert (status, body["error"]["code"]) == (422, "invalid_emoji"), emoji
    status, body = await chat.api.call("PATCH", f"{chat.path}/{theirs}", json={"text": "no"})
    assert (status, body["error"]["code"]) == (403, "not_own_message")
    status, body = await chat.api.call("DELETE", f"{chat.path}/{theirs}")
    assert (status, body["error"]["code"]) == (403, "not_own_message")
    old = await chat.incoming(text="an hour ago", from_me=True, old=True)
    status, body = await chat.api.call("PATCH", f"{chat.path}/{old}", json={"text": "later"})
    assert (status, body["error"]["code"]) == (409, "edit_window_passed")
    assert len((await sent(chat.sim, chat.session)).sent) == before

    status, body = await chat.api.call("PATCH", f"{chat.path}/{ours}", json={"text": "sure!"})
    assert status == 202, body
    assert (await chat.on_whatsapp(body["id"])).action == Edit(text="sure!")
    edited = await chat.view(ours, lambda m: m["text"] == "sure!")
    assert edited["edited_at"] and [e["text"] for e in edited["earlier_texts"]] == ["sure"]
    status, body = await chat.api.call("DELETE", f"{chat.path}/{ours}")
    assert status == 202, body
    assert (await chat.on_whatsapp(body["id"])).action == Revoke()
    gone = await chat.view(ours, lambda m: m["revoked_at"])
    assert gone["text"] is None and gone["earlier_texts"] == []
    status, body = await chat.api.call("PATCH", f"{chat.path}/{ours}", json={"text": "again"})
    assert (status, body["error"]["code"]) == (409, "message_revoked")

    await drive(chat.sim, "edit", SimEdit(session=chat.session, sender=PEER,
                                          message_id=theirs, text="lunch at 1?"))  # fmt: skip
    got = await chat.view(theirs, lambda m: m["text"] == "lunch at 1?")
    assert [e["text"] for e in got["earlier_texts"]] == ["lunch?"]
    await drive(chat.sim, "revoke", SimRevoke(session=chat.session, sender=PEER,
                                              message_id=theirs))  # fmt: skip
    await chat.view(theirs, lambda m: m["revoked_at"] and m["text"] is None)
    kinds = "message.reacted,message.edited,message.revoked"
    url = f"{chat.api.base}/v1/events?session_id={chat.session}&types={kinds}"
    headers = {"Authorization": f"Bearer {chat.api.key}", "Last-Event-ID": "0"}
    async with chat.api.http.get(url, headers=headers) as resp:
        reader = SseReader(resp)
        streamed = [await reader.next_event() for _ in range(7)]
    assert [(e.event, e.data["payload"]["from_me"]) for e in streamed] == [
        ("message.reacted", True), ("message.reacted", False), ("message.reacted", True),
        ("message.edited", True), ("message.revoked", True),
        ("message.edited", False), ("message.revoked", False),
    ]  # fmt: skip

    stranger = await Chat.open(admin, chat.sim, "stranger")
    calls: list[tuple[str, str, Any]] = [("PUT", "/reaction", {"emoji": "👍"})]
    calls += [("PATCH", "", {"text": "x"})]
    calls += [("DELETE", "", None), ("DELETE", "/reaction", None)]
    for method, suffix, body in calls:
        for path in (f"{stranger.path}/{theirs}", f"{chat.path}/{theirs}"):  # their id, our path
            status, answer = await stranger.api.call(method, path + suffix, json=body)
            assert status == 404, (method, path, answer)


async def test_an_offline_session_sends_no_action_and_a_retried_one_is_sent_once(
    chat: Chat,
) -> None:
    theirs = await chat.incoming(text="ping")
    key = {"Idempotency-Key": "react-once"}
    url = f"{chat.path}/{theirs}/reaction"
    first = await chat.api.call("PUT", url, json={"emoji": "🙏"}, headers=key)
    again = await chat.api.call("PUT", url, json={"emoji": "🙏"}, headers=key)
    assert first[0] == again[0] == 202 and first[1]["id"] == again[1]["id"]
    await chat.on_whatsapp(first[1]["id"])
    actions = [m for m in (await sent(chat.sim, chat.session)).sent if m.action is not None]
    assert len(actions) == 1
    await drive(chat.sim, "drop", SimDrop(session=chat.session, reason="logout"))

    async def logged_out() -> bool:
        status = (await chat.api.call("GET", f"/v1/sessions/{chat.session}"))[1]["status"]
        return bool(status == "logged_out")

    await eventually(logged_out)
    before = (await sent(chat.sim, chat.session)).send_calls
    for method, suffix, body in (
        ("PUT", "/reaction", {"emoji": "👍"}),
        ("DELETE", "/reaction", None),
    ):
        status, answer = await chat.api.call(method, f"{chat.path}/{theirs}{suffix}", json=body)
        assert (status, answer["error"]["code"]) == (409, "not_connected")
    status, answer = await chat.api.call(
        "POST", chat.path, json={"to": PEER, "location": {"latitude": 1, "longitude": 2}}
    )
    assert (status, answer["error"]["code"]) == (409, "not_connected")
    assert (await sent(chat.sim, chat.session)).send_calls == before
