"""Replies, cards, reactions, edits and revokes, projected and read back through the store's
queries (SQLite and PostgreSQL), and a redelivery of the whole script changes nothing."""

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.queries import GetMessage, ListMessages, MessageList, MessageView
from services.store.adapters.checksum import table_checksums
from tests.integration.store.test_projection import delivered
from tests.integration.store.test_queries import Store, store
from tests.support.conversation_events import ME, PEER, T0, conversation

__all__ = ["store"]  # the fixture


async def _message(store: Store, message_id: str) -> MessageView:
    view = await store.ask(GetMessage(tenant="tc", session="sc", message_id=message_id))
    assert isinstance(view, MessageView), view
    return view


async def test_the_views_show_what_was_done_to_each_message(store: Store) -> None:
    await store.feed(*conversation())
    first = await _message(store, "in1")  # reacted, edited, revoked, then an edit too late
    assert first.revoked_at is not None and first.text is None and first.earlier_texts == []
    assert [(r.sender_jid, r.emoji, r.from_me) for r in first.reactions] == [
        (PEER, "😂", False),
        (ME, "🙏", True),
    ]
    assert first.reactions[0].at > T0
    second = await _message(store, "in2")  # a reply with a location, then revoked
    assert second.reply_to == "in1" and second.location is None and second.revoked_at
    card = await _message(store, "in3")
    assert card.contact is not None and card.contact.name == "Mona"
    assert card.media_kind == "contact" and card.edited_at is None and card.text is None
    ours = await _message(store, "out1")
    assert ours.reply_to == "in2" and ours.text == "on my way!!" and ours.edited_at
    assert [e.text for e in ours.earlier_texts] == ["on my way", "on my way!"]
    page = await store.ask(ListMessages(tenant="tc", session="sc"))
    assert isinstance(page, MessageList)
    listed = {m.message_id: m for m in page.items}
    assert listed["out1"] == ours and listed["in1"] == first


async def test_a_location_keeps_its_fields_until_revoked(store: Store) -> None:
    events = conversation()
    await store.feed(*events[:4])
    view = await _message(store, "in2")
    assert view.location is not None
    assert (view.location.latitude, view.location.name) == (30.0444, "Tahrir")


async def test_redelivering_the_script_changes_nothing(store: Store, engine: AsyncEngine) -> None:
    events = conversation()
    await store.feed(*events)
    before = await table_checksums(engine)
    await store.projection.apply(delivered(events[5:], start=6))
    assert await table_checksums(engine) == before
