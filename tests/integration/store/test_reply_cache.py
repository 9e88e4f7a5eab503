"""Cached replies never hide a write: a read after a batch (or released by its position)
sees the batch, over NATS on both databases, while reads between batches are served from
the cache; a replica that does not project caches nothing."""

import asyncio
from datetime import timedelta

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import MessageReceived, SessionCreated
from contracts.queries import (
    GetSession,
    ListMessages,
    ListSessions,
    MessageList,
    QueryReply,
    SessionList,
)
from runtime.sql.engine import open_engine
from services.store.adapters.projection import read_position
from services.store.adapters.sql_reads import SqlReads
from services.store.service_layer.following import PositionFollower
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers
from tests.integration.store import test_queries
from tests.integration.store.test_projection import T0, ev
from tests.integration.store.test_queries import Store

CHAT = "201000000001@s.whatsapp.net"
store = test_queries.store  # the query side wired as the service wires it


def received(n: int) -> MessageReceived:
    at = T0 + timedelta(seconds=n)
    return MessageReceived(message_id=f"m{n}", chat_jid=CHAT, sender_jid=CHAT, sent_at=at)


async def test_reads_are_cached_between_batches_and_never_hide_one(store: Store) -> None:
    await store.feed(ev(SessionCreated(name="n"), 0), ev(received(1), 1))
    query = ListMessages(tenant="t1", session="s1")
    first = await store.ask(query)
    assert isinstance(first, MessageList) and [m.message_id for m in first.items] == ["m1"]
    hits = store.watch.replies.hits
    assert await store.ask(query) == first and store.watch.replies.hits == hits + 1
    await store.feed(ev(received(2), 2))
    after = await store.ask(query)
    assert isinstance(after, MessageList) and [m.message_id for m in after.items] == ["m2", "m1"]
    # another tenant's batch leaves this session's reply cached; its own list moves
    sessions = await store.ask(ListSessions(tenant="t1"))
    await store.feed(ev(SessionCreated(name="other"), 3, session="s2"))
    hits = store.watch.replies.hits
    assert await store.ask(query) == after and store.watch.replies.hits == hits + 1
    listed = await store.ask(ListSessions(tenant="t1"))
    assert isinstance(sessions, SessionList) and isinstance(listed, SessionList)
    assert [s.id for s in listed.items] == ["s1", "s2"] != [s.id for s in sessions.items]


async def test_a_read_released_by_its_position_sees_that_batch(store: Store) -> None:
    await store.feed(ev(SessionCreated(name="before"), 0))
    assert (await store.ask(GetSession(tenant="t1", session="s1"))).name == "before"  # type: ignore[union-attr]
    cached = await store.ask(ListMessages(tenant="t1", session="s1"))
    assert isinstance(cached, MessageList) and cached.items == []
    later = ListMessages(tenant="t1", session="s1", min_sequence=2, wait_ms=5000)
    waiting = asyncio.create_task(store.ask(later))
    await store.feed(ev(received(7), 2))
    reply = await waiting
    assert isinstance(reply, MessageList) and [m.message_id for m in reply.items] == ["m7"]


async def test_a_follower_never_serves_a_stale_cached_reply(
    store: Store, engine: AsyncEngine
) -> None:
    """Two replicas on one database: ``store`` projects (and caches); the follower learns the
    position from the database alone, never which sessions a batch touched, so it must not
    cache: each of its reads released by a later position sees that position's rows."""
    follower_watch = PositionWatch()

    async def recorded() -> int:
        async with engine.connect() as conn:
            return await read_position(conn)

    following = asyncio.create_task(PositionFollower(follower_watch, recorded).run())
    reader = open_engine(engine.url.render_as_string(hide_password=False), read_only=True)
    follower = QueryHandlers(SqlReads(reader), follower_watch)  # as a replica: a read-only engine
    try:
        await store.feed(ev(SessionCreated(name="n"), 0), ev(received(1), 1))
        for n in range(2, 5):
            query = ListMessages(tenant="t1", session="s1", min_sequence=store.sequence,
                                 wait_ms=5000)  # fmt: skip
            expected = [f"m{k}" for k in range(n - 1, 0, -1)]
            for _ in range(2):  # the second read would be the cached one
                mine, theirs = await store.ask(query), _decoded(await follower.handle(query))
                for reply in (mine, theirs):
                    assert isinstance(reply, MessageList)
                    assert [m.message_id for m in reply.items] == expected
            await store.feed(ev(received(n), n))
        assert store.watch.replies.hits > 0 and follower_watch.replies.hits == 0
        assert len(follower_watch.replies) == 0
    finally:
        following.cancel()
        await follower.close()
        await reader.dispose()


def _decoded(data: bytes) -> QueryReply:
    return msgspec.json.decode(data, type=QueryReply)  # type: ignore[arg-type]
