"""The chats projection on a real database (SQLite and PostgreSQL): one chat per person across
@lid and phone, most recent first, unread counts after our read receipts, batching-proof."""

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.conversation import ContactCard, Location
from contracts.envelope import make_event
from contracts.events import MessageMediaStored, MessageReceived, SessionCreated
from contracts.media import MediaDescriptor
from contracts.queries import (
    ChatList,
    ChatView,
    GetChat,
    GetSession,
    ListChats,
    ListMessages,
    MessageList,
    SessionView,
)
from runtime.sql.engine import open_engine
from services.store.adapters import reads_chats
from services.store.adapters.checksum import table_checksums
from services.store.adapters.json_reads import JsonReads
from services.store.adapters.migrate import upgrade
from services.store.adapters.row_source import row_source
from tests.integration.store.chat_scenario import GROUP, LID, OTHER, PHONE, at, chat_events
from tests.integration.store.conftest import DbFactory
from tests.integration.store.test_projection import delivered, project

_messages = msgspec.json.Decoder(MessageList)
_chat_list = msgspec.json.Decoder(ChatList)
_session = msgspec.json.Decoder(SessionView)


async def _chats(engine: AsyncEngine, limit: int = 50) -> list[ChatView]:
    items: list[ChatView] = []
    cursor = None
    async with engine.connect() as conn:
        while True:
            query = ListChats(tenant="tc", session="sc", limit=limit, cursor=cursor)
            page: ChatList = await reads_chats.list_chats(conn, query)
            items += page.items
            cursor = page.next_cursor
            if cursor is None:
                return items


async def test_chats_merge_identities_count_unread_and_survive_batching(
    new_db_url: DbFactory,
) -> None:
    items = delivered(chat_events())
    batched, single = open_engine(await new_db_url()), open_engine(await new_db_url())
    try:
        for engine in (batched, single):
            await upgrade(engine)
        await project(batched, items, batch=100)
        await project(single, items, batch=1)
        assert await table_checksums(batched) == await table_checksums(single)

        chats = await _chats(batched, limit=1)  # one per page: the cursor walks them all
        assert [c.jid for c in chats] == [OTHER, PHONE, GROUP]  # most recent first
        other, laila, group = chats
        assert other.kind == "user" and other.name == "Omar" and other.unread_count == 1
        assert other.last_message is not None and other.last_message.message_id == "out1"
        assert laila.lid == LID and laila.name == "Laila"  # the @lid chat merged into it
        assert laila.last_message is not None and laila.last_message.message_id == "in6"
        assert laila.unread_count == 1  # in6 only: the receipts covered up to in5
        assert group.kind == "group" and group.unread_count == 0
        # each chat's last event: our send to Omar (11), the receipts of Laila (12), group (13)
        assert [c.sequence for c in chats] == [11, 12, 13]

        async with batched.connect() as conn:
            by_lid = await reads_chats.get_chat(conn, GetChat(tenant="tc", session="sc",
                                                              chat_jid=LID))  # fmt: skip
            assert by_lid is not None and by_lid.jid == PHONE
            other_tenant = GetChat(tenant="tx", session="sc", chat_jid=PHONE)
            assert await reads_chats.get_chat(conn, other_tenant) is None
        lean = JsonReads(row_source(batched), batched.dialect)
        listed = _messages.decode(
            await lean.list_messages(ListMessages(tenant="tc", session="sc", chat_jid=PHONE))
        )
        assert {m.message_id for m in listed.items} == {"in1", "in2", "in5", "in6"}
        session = _session.decode(await lean.get_session(GetSession(tenant="tc", session="sc")))
        assert session.typing_before_send is True
        await lean.close()
    finally:
        await batched.dispose()
        await single.dispose()


async def test_a_chat_whose_newest_message_is_a_card_or_a_pin_reads_as_the_api_sends_it(
    new_db_url: DbFactory,
) -> None:
    """The chat's newest message is its message view: the card and the pin as objects, a file
    with its stored size, exactly as GET …/messages shows the same message."""
    pin = Location(latitude=30.0444, longitude=31.2357, name="Clinic")
    card = ContactCard(name="Dr. Samir", phone="+201000000009", vcard="BEGIN:VCARD\nEND:VCARD")
    file = MediaDescriptor(kind="image", mime="image/png", size=10, sha256="ab" * 32)
    events = [
        SessionCreated(name="Cards"),
        MessageReceived(message_id="pin", chat_jid=PHONE, sender_jid=PHONE, location=pin,
                        sent_at=at(1)),
        MessageReceived(message_id="card", chat_jid=OTHER, sender_jid=OTHER, contact=card,
                        sent_at=at(2)),
        MessageReceived(message_id="file", chat_jid=GROUP, sender_jid=OTHER, is_group=True,
                        media_kind="image", media=file, sent_at=at(3)),
        MessageMediaStored(message_id="file", chat_jid=GROUP, size=12, sha256="cd" * 32,
                           mime="image/png"),
    ]  # fmt: skip
    envelopes = [
        make_event(p, tenant="tc", session="sc", occurred_at=at(i), event_id=f"card-{i}")
        for i, p in enumerate(events)
    ]
    engine = open_engine(await new_db_url())
    try:
        await upgrade(engine)
        await project(engine, delivered(envelopes), batch=10)
        chats = _chat_list.decode(msgspec.json.encode(ChatList(items=await _chats(engine))))
        newest = {c.jid: c.last_message for c in chats.items}
        lean = JsonReads(row_source(engine), engine.dialect)
        listed = _messages.decode(await lean.list_messages(ListMessages(tenant="tc", session="sc")))
        await lean.close()
        assert newest == {m.chat_jid: m for m in listed.items}
        assert newest[PHONE] is not None and newest[PHONE].location == pin
        assert newest[OTHER] is not None and newest[OTHER].contact == card
        stored = newest[GROUP].media if newest[GROUP] is not None else None
        assert stored is not None and (stored.size, stored.sha256) == (12, "cd" * 32)
    finally:
        await engine.dispose()
