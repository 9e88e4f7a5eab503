"""The sessions of a tenant, a page at a time (by id); by default a page holds 200 of them."""

from contracts.commands import Refused
from contracts.events import SessionCreated
from contracts.queries import ListSessions, SessionList
from tests.integration.store.test_projection import ev
from tests.integration.store.test_queries import Store, store

__all__ = ["store"]  # the fixture, shared with the other query tests


async def test_sessions_are_listed_a_page_at_a_time(store: Store) -> None:
    ids = [f"s{n:02d}" for n in range(7)]
    await store.feed(*(ev(SessionCreated(name=i), n, session=i) for n, i in enumerate(ids)))
    await store.feed(ev(SessionCreated(name="other"), 50, session="s99", tenant="t2"))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await store.ask(ListSessions(tenant="t1", limit=3, cursor=cursor))
        assert isinstance(page, SessionList) and len(page.items) <= 3
        seen += [s.id for s in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ids
    everything = await store.ask(ListSessions(tenant="t1"))
    assert isinstance(everything, SessionList) and everything.next_cursor is None
    assert [s.id for s in everything.items] == ids
    bad = await store.ask(ListSessions(tenant="t1", cursor="bm9wZQ"))
    assert isinstance(bad, Refused) and bad.code == "bad_query"
