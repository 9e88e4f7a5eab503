"""The lean reads answer exactly what the SQLAlchemy reads answered (reference_reads.py), on
SQLite and PostgreSQL: every row, every field, every cursor, page after page; on SQLite the
very bytes msgspec wrote. And ``require_session`` makes a read its own ownership check."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import event_stream
from contracts.envelope import Envelope
from contracts.events import MessageMediaStored, MessageQueued, MessageReceived, SessionCreated
from contracts.media import MediaDescriptor
from contracts.queries import (
    GetMessage,
    GetSession,
    ListContacts,
    ListMessages,
    ListSessions,
    QueryReply,
)
from services.store.adapters.json_reads import JsonReads, Missing
from services.store.adapters.projection import SqlProjection
from services.store.adapters.row_source import row_source
from services.store.adapters.tables import contacts, messages, sessions
from tests.integration.store import reference_reads as reference
from tests.integration.store.chat_scenario import GROUP, LID, OTHER, PHONE, chat_events
from tests.integration.store.test_projection import T0, delivered, ev
from tests.support.conversation_events import conversation

_decoder: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)

PHOTO = MediaDescriptor(kind="image", mime="image/jpeg", caption='a "quoted"\ncaption', width=3)


def edge_cases() -> list[Envelope]:
    """What the mixed stream lacks: media, odd text, times with and without a fraction."""
    chat = "201000000001@s.whatsapp.net"
    with_media = MessageReceived(
        message_id="photo", chat_jid=chat, sender_jid=chat, media_kind="image", media=PHOTO,
        media_status="pending", sent_at=T0 + timedelta(microseconds=1),
    )  # fmt: skip
    odd = MessageReceived(
        message_id="odd", chat_jid=chat, sender_jid=chat, text='é "q" \\ \x01 \u2028 😀',
        sent_at=T0, from_me=True, is_old=True,
    )  # fmt: skip
    stored = MessageMediaStored(
        message_id="photo", chat_jid=chat, size=1234, sha256="ab" * 32, mime="image/jpeg"
    )
    queued = MessageQueued(message_id="q1", chat_jid=chat, text="")
    return [
        ev(SessionCreated(name='Sales "one"'), 1, session="edge", tenant="t0"),
        ev(with_media, 2, session="edge", tenant="t0"),
        ev(odd, 3, session="edge", tenant="t0"),
        ev(stored, 4, session="edge", tenant="t0"),
        ev(queued, 5, session="edge", tenant="t0"),
        ev(SessionCreated(name="Quiet"), 6, session="quiet", tenant="t0"),
    ]


def conversations() -> list[Envelope]:
    """Replies, cards, reactions, edits, revokes (whole and halfway), and chats with a LID."""
    halfway = conversation(tenant="t0", session="conv-half", first=100)[:4]  # a live location
    return [*conversation(tenant="t0", session="conv"), *halfway, *chat_events("t0", "chats")]


@pytest.fixture
async def filled(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    projection = SqlProjection(engine)
    events = [*edge_cases(), *conversations(), *event_stream(1500, seed=11)]
    await projection.apply(delivered(events))
    await projection.close()
    yield engine


async def both(engine: AsyncEngine, lean: JsonReads, query: Any) -> tuple[object, object]:
    """(the lean reply decoded, the reference's) for one query; None for not found."""
    read = {
        GetSession: (lean.get_session, reference.get_session),
        ListSessions: (lean.list_sessions, reference.list_sessions),
        ListMessages: (lean.list_messages, reference.list_messages),
        GetMessage: (lean.get_message, reference.get_message),
        ListContacts: (lean.list_contacts, reference.list_contacts),
    }[type(query)]
    try:
        data: bytes | None = await read[0](query)
    except Missing:
        data = None
    async with engine.connect() as conn:
        expected = await read[1](conn, query)
    if engine.dialect.name == "sqlite" and data is not None:
        assert data == msgspec.json.encode(expected), query  # the very bytes
    return (None if data is None else _decoder.decode(data)), expected


async def pages(engine: AsyncEngine, lean: JsonReads, first: Any) -> int:
    """Walk every page of a list; each must agree. How many items there were."""
    query, count = first, 0
    while True:
        got, expected = await both(engine, lean, query)
        assert got == expected, query
        count += len(got.items)  # type: ignore[attr-defined]
        cursor = got.next_cursor  # type: ignore[attr-defined]
        if cursor is None:
            return count
        query = msgspec.structs.replace(query, cursor=cursor)


async def test_every_read_agrees_with_the_reference(filled: AsyncEngine) -> None:
    lean = JsonReads(row_source(filled), filled.dialect)
    async with filled.connect() as conn:
        owned = (await conn.execute(select(sessions.c.tenant, sessions.c.id))).all()
        chats = (await conn.execute(select(messages.c.chat_jid).distinct().limit(3))).all()
        some = (await conn.execute(select(messages).limit(40))).mappings().all()
        any_contact = (await conn.execute(select(contacts.c.tenant).limit(1))).all()
    assert len(owned) == 14 and any_contact
    listed = 0
    for tenant in {t for t, _ in owned} | {"nobody"}:
        listed += await pages(filled, lean, ListSessions(tenant=tenant, limit=2))
    assert listed == 14
    for tenant, session in [*owned, ("t1", "s0x0"), ("nobody", "edge")]:
        got, expected = await both(filled, lean, GetSession(tenant=tenant, session=session))
        assert got == expected
        await pages(filled, lean, ListMessages(tenant=tenant, session=session, limit=37))
        await pages(filled, lean, ListContacts(tenant=tenant, session=session, limit=5))
        for chat in [*(c for (c,) in chats), PHONE, LID, OTHER, GROUP]:
            await pages(filled, lean, ListMessages(
                tenant=tenant, session=session, chat_jid=chat, limit=3
            ))  # fmt: skip
    for row in [*some, {"tenant": "t1", "session_id": "edge", "message_id": "photo"}]:
        key = {"tenant": row["tenant"], "session": row["session_id"]}
        got, expected = await both(filled, lean, GetMessage(**key, message_id=row["message_id"]))
        assert got == expected
    await _conversation_reads_agree(filled, lean)
    photo, _ = await both(filled, lean, GetMessage(tenant="t0", session="edge", message_id="photo"))
    assert photo.media == msgspec.structs.replace(PHOTO, size=1234, sha256="ab" * 32)  # type: ignore[attr-defined]
    await lean.close()


async def _conversation_reads_agree(engine: AsyncEngine, lean: JsonReads) -> None:
    """Every message of the conversation sessions, one by one, and what each shows."""
    async with engine.connect() as conn:
        ids = (await conn.execute(
            select(messages.c.session_id, messages.c.message_id)
            .where(messages.c.tenant == "t0", messages.c.session_id.in_(CONVERSATIONS))
        )).all()  # fmt: skip
    views = []
    for session, message_id in ids:
        got, expected = await both(engine, lean, GetMessage(
            tenant="t0", session=session, message_id=message_id
        ))  # fmt: skip
        assert got == expected
        views.append(got)
    assert any(v.reactions for v in views) and any(v.earlier_texts for v in views)  # type: ignore[attr-defined]
    assert any(v.revoked_at for v in views) and any(v.reply_to for v in views)  # type: ignore[attr-defined]
    assert any(v.location for v in views) and any(v.contact for v in views)  # type: ignore[attr-defined]


CONVERSATIONS = ("conv", "conv-half", "chats")


async def test_a_read_that_requires_its_session_is_the_ownership_check(filled: AsyncEngine) -> None:
    lean = JsonReads(row_source(filled), filled.dialect)
    theirs = {"tenant": "t1", "session": "s0x0", "require_session": True}  # t0's session
    for read in (
        lean.list_messages(ListMessages(**theirs)),
        lean.list_contacts(ListContacts(**theirs)),
        lean.get_message(GetMessage(**theirs, message_id="in100")),
    ):
        with pytest.raises(Missing) as refused:
            await read
        assert refused.value.what == "session"
    with pytest.raises(Missing) as refused:
        await lean.get_message(GetMessage(tenant="t0", session="edge", message_id="nope"))
    assert refused.value.what == "message"
    quiet = {"tenant": "t0", "session": "quiet", "require_session": True}  # no rows yet
    assert _decoder.decode(await lean.list_contacts(ListContacts(**quiet))).items == []  # type: ignore[union-attr]
    assert _decoder.decode(await lean.list_messages(ListMessages(**quiet))).items == []  # type: ignore[union-attr]
    own = {"tenant": "t0", "session": "edge", "require_session": True}
    assert len(_decoder.decode(await lean.list_messages(ListMessages(**own))).items) == 3  # type: ignore[union-attr]
    await lean.close()
