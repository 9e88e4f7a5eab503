"""A session's reconnect attempts as the store reads them: the latest disconnect's attempt
while it is down, 0 once it is connected again or logged out; the lean read and the
reference agree at every step."""

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.events import SessionConnected, SessionCreated, SessionDisconnected, SessionLoggedOut
from contracts.queries import GetSession, ListSessions, SessionList, SessionView
from services.store.adapters.json_reads import JsonReads
from services.store.adapters.row_source import row_source
from tests.integration.store import reference_reads as reference
from tests.integration.store.test_projection import delivered, ev, project

CONNECTED = SessionConnected(phone_number="201234567890", jid="201234567890:3@s.whatsapp.net")


def dropped(attempt: int, will_retry: bool = True) -> SessionDisconnected:
    return SessionDisconnected(reason="network", will_retry=will_retry, attempt=attempt)


async def read(engine: AsyncEngine) -> tuple[str, int]:
    lean = JsonReads(row_source(engine), engine.dialect)
    try:
        one = msgspec.json.decode(await lean.get_session(GetSession(tenant="t1", session="s1")))
        listed = msgspec.json.decode(
            await lean.list_sessions(ListSessions(tenant="t1")), type=SessionList
        )
    finally:
        await lean.close()
    async with engine.connect() as conn:
        expected = await reference.get_session(conn, GetSession(tenant="t1", session="s1"))
    assert expected is not None and listed.items == [expected]
    assert msgspec.convert(one, SessionView) == expected
    return expected.status, expected.reconnect_attempts


async def test_reconnect_attempts_follow_the_latest_disconnect_while_down(
    engine: AsyncEngine,
) -> None:
    steps: list[tuple[list[object], tuple[str, int]]] = [
        ([SessionCreated(name="Front desk"), CONNECTED], ("connected", 0)),
        ([dropped(1), dropped(2)], ("reconnecting", 2)),
        ([CONNECTED], ("connected", 0)),
        ([dropped(1), dropped(2), dropped(3, will_retry=False)], ("needs_attention", 3)),
        ([SessionLoggedOut(reason="logged_out")], ("logged_out", 0)),
    ]
    applied: list[Envelope] = []
    for payloads, wanted in steps:
        fresh = [ev(p, len(applied) + i + 1) for i, p in enumerate(payloads)]  # type: ignore[arg-type]
        await project(engine, delivered(fresh, start=len(applied) + 1), batch=10)
        applied += fresh
        assert await read(engine) == wanted
