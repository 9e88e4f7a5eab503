"""``reconnect_attempts`` over any history of a session's life (drops, reconnects, pairing,
logouts, deletion, in any batches, redelivered): the lean reads give, at every step, what
the reference reads from ``session_disconnects`` (the latest disconnect's attempt while the
session is down, else 0); a database migrated from before the column, and one rebuilt from
the event log, give the same."""

import random
from collections.abc import Sequence

import msgspec
from alembic import command
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import publish_fast
from contracts.codec import encode_event
from contracts.envelope import Envelope
from contracts.events import (
    Event,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
    SessionOptionsChanged,
    SessionPairingFailed,
    SessionPairingStarted,
    SessionReconnectRequested,
)
from contracts.queries import GetSession, ListSessions, SessionList, SessionView
from contracts.subjects import event_subject
from runtime.bus import Bus
from runtime.consumer import Delivered
from runtime.sql.engine import open_engine
from services.store.adapters.checksum import table_checksums
from services.store.adapters.json_reads import JsonReads, Missing
from services.store.adapters.migrate import alembic_config, upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.rebuild import rebuild_into
from services.store.adapters.row_source import row_source
from tests.integration.store import reference_reads as reference
from tests.integration.store.conftest import DbFactory
from tests.integration.store.test_projection import delivered, ev

# The same session id in two tenants, and one session whose disconnects come without a row.
SESSIONS = [("t1", "s1"), ("t1", "s2"), ("t2", "s1"), ("t1", "ghost")]
CONNECTED = SessionConnected(phone_number="201234567890", jid="201234567890:3@s.whatsapp.net")


def _life(rng: random.Random) -> Event:
    """One event of a session's life, disconnects the most frequent."""
    roll = rng.random()
    if roll < 0.5:
        will_retry = rng.random() < 0.7
        return SessionDisconnected(
            reason="network", will_retry=will_retry, attempt=rng.randint(0, 8)
        )
    choices: list[Event] = [
        CONNECTED,
        CONNECTED,
        SessionPairingStarted(method="qr"),
        SessionPairingFailed(reason="timeout"),
        SessionLoggedOut(reason="logout"),
        SessionOptionsChanged(typing_before_send=True),
        SessionReconnectRequested(),
        SessionDeleted(),  # the store keeps projecting a deleted session's events
    ]
    return rng.choice(choices)


def history(seed: int, count: int = 160) -> list[Envelope]:
    """Every session but the ghost created after a few events, then random lives; the last
    event leaves one session down."""
    rng = random.Random(seed)
    events: list[Envelope] = []

    def add(payload: Event, tenant: str, session: str) -> None:
        events.append(ev(payload, len(events) + 1, session=session, tenant=tenant))

    add(SessionDisconnected(reason="network", will_retry=True, attempt=4), "t1", "s2")
    for tenant, session in SESSIONS[:3]:
        add(SessionCreated(name=f"{tenant}/{session}"), tenant, session)
    while len(events) < count - 1:
        tenant, session = rng.choice(SESSIONS)
        add(_life(rng), tenant, session)
    add(SessionDisconnected(reason="keepalive", will_retry=True, attempt=3), "t2", "s1")
    return events


async def agree(engine: AsyncEngine) -> list[tuple[str, int]]:
    """The lean reads equal the reference for every session and tenant; their (status,
    reconnect_attempts)."""
    lean = JsonReads(row_source(engine), engine.dialect)
    try:
        return await _agree(engine, lean)
    finally:
        await lean.close()


async def _agree(engine: AsyncEngine, lean: JsonReads) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    async with engine.connect() as conn:
        for tenant, session in SESSIONS:
            q = GetSession(tenant=tenant, session=session)
            expected = await reference.get_session(conn, q)
            try:
                one = msgspec.json.decode(await lean.get_session(q), type=SessionView)
            except Missing:
                assert expected is None, (tenant, session)
                continue
            assert one == expected, (tenant, session)
            seen.append((one.status, one.reconnect_attempts))
        for tenant in ("t1", "t2"):
            q = ListSessions(tenant=tenant)
            listed = msgspec.json.decode(await lean.list_sessions(q), type=SessionList)
            assert listed == await reference.list_sessions(conn, q)
    return seen


async def project_checking(engine: AsyncEngine, items: Sequence[Delivered], seed: int) -> set[int]:
    """Projects ``items`` in random batches, some redelivered; checks the reads after each.
    Returns the attempts read while down."""
    rng, at, attempts = random.Random(seed), 0, set()
    projection, lean = SqlProjection(engine), JsonReads(row_source(engine), engine.dialect)
    try:
        while at < len(items):
            start = max(0, at - rng.randint(0, 5)) if rng.random() < 0.2 else at
            end = min(len(items), at + rng.randint(1, 12))
            await projection.apply(items[start:end])
            at = end
            down = {n for status, n in await _agree(engine, lean) if status != "connected"}
            attempts |= down
    finally:
        await projection.close()
        await lean.close()
    return attempts


async def test_reconnect_attempts_over_any_history_equal_the_reference(
    new_db_url: DbFactory,
) -> None:
    for seed in range(3):
        engine = open_engine(await new_db_url())
        try:
            await upgrade(engine)
            attempts = await project_checking(engine, delivered(history(seed)), seed)
        finally:
            await engine.dispose()
        assert len(attempts - {0}) >= 3, attempts  # the reads were not all zeros


def _downgrade_to_0008(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "0008")


async def test_a_store_migrated_from_before_the_column_reads_the_same(engine: AsyncEngine) -> None:
    """Version 0008 read the attempts from ``session_disconnects``: the upgrade fills the
    column from them, to the value the projection would have written."""
    seen = await project_checking(engine, delivered(history(11)), seed=11)
    before, reads = await table_checksums(engine), await agree(engine)
    assert len(seen - {0}) >= 3 and any(n for _, n in reads), (seen, reads)
    async with engine.begin() as conn:  # back to the layout the older version ran on
        await conn.run_sync(_downgrade_to_0008)
    await upgrade(engine)
    assert await agree(engine) == reads
    assert await table_checksums(engine) == before


async def test_a_rebuilt_store_reads_the_same_attempts(bus: Bus, new_db_url: DbFactory) -> None:
    events = history(5)
    live, rebuilt_url = open_engine(await new_db_url()), await new_db_url()
    rebuilt = open_engine(rebuilt_url)
    try:
        await upgrade(live)
        await project_checking(live, delivered(events), seed=5)
        published = [(event_subject(e.tenant, e.session, e.type), encode_event(e), e.id)
                     for e in events]  # fmt: skip
        assert await publish_fast(bus.js, published) == len(events)
        assert await rebuild_into(bus.js, rebuilt_url, lambda *_: None) == len(events)
        reads = await agree(rebuilt)
        assert reads == await agree(live) and any(n for _, n in reads), reads
        assert await table_checksums(rebuilt) == await table_checksums(live)
    finally:
        await live.dispose()
        await rebuilt.dispose()
