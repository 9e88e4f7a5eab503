"""The SQL projection on a real database (SQLite and PostgreSQL): rows, idempotence, batching."""

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.store_events import event_stream
from contracts.envelope import Envelope, make_event
from contracts.events import (
    ContactUpdated,
    Event,
    MessageQueued,
    MessageReceived,
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    SessionConnected,
    SessionCreated,
    SessionDisconnected,
)
from runtime.consumer import Delivered
from runtime.sql.engine import open_engine
from services.store.adapters.checksum import table_checksums
from services.store.adapters.migrate import upgrade
from services.store.adapters.projection import SqlProjection
from services.store.adapters.sqlite_writer import WriterFailed
from services.store.adapters.tables import contacts, messages, sessions
from tests.integration.store.conftest import DbFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def delivered(events: Sequence[Envelope], start: int = 1) -> list[Delivered]:
    return [Delivered(start + i, e) for i, e in enumerate(events)]


def ev(payload: Event, n: int, session: str = "s1", tenant: str = "t1") -> Envelope:
    at = T0 + timedelta(seconds=n)
    return make_event(payload, tenant=tenant, session=session, occurred_at=at, event_id=f"e{n}")


async def project(engine: AsyncEngine, items: list[Delivered], batch: int) -> None:
    projection = SqlProjection(engine)
    for i in range(0, len(items), batch):
        await projection.apply(items[i : i + batch])
    await projection.close()


async def test_batched_equals_one_by_one_and_redelivery_changes_nothing(
    new_db_url: DbFactory,
) -> None:
    items = delivered(list(event_stream(800, seed=3)))
    batched, single = open_engine(await new_db_url()), open_engine(await new_db_url())
    try:
        for engine in (batched, single):
            await upgrade(engine)
        await project(batched, items, batch=300)
        await project(single, items, batch=1)
        first = await table_checksums(batched)
        assert first == await table_checksums(single)
        assert first["messages"][0] > 300
        await project(batched, items[200:700], batch=200)  # a redelivery after a crash
        assert await table_checksums(batched) == first
    finally:
        await batched.dispose()
        await single.dispose()


async def test_session_lifecycle_and_utc_timestamps(engine: AsyncEngine) -> None:
    events = [
        ev(SessionCreated(name="Support number"), 1),
        ev(SessionConnected(phone_number="201234567890", jid="201234567890:12@s.whatsapp.net"), 2),
        ev(SessionDisconnected(reason="network", will_retry=True, attempt=1), 3),
    ]
    await project(engine, delivered(events), batch=10)
    async with engine.connect() as conn:
        row = (await conn.execute(select(sessions))).mappings().one()
    assert row["status"] == "reconnecting"
    assert row["phone_number"] == "201234567890"
    assert row["last_connected_at"] == T0 + timedelta(seconds=2)
    assert row["last_connected_at"].tzinfo is UTC
    assert row["last_disconnect_reason"] == "network"


async def test_delivery_status_only_moves_forward_and_failures_are_recorded(
    engine: AsyncEngine,
) -> None:
    chat = "201000000001@s.whatsapp.net"
    events = [
        ev(MessageQueued(message_id="m1", chat_jid=chat, text="hi"), 1),
        ev(MessageSent(message_id="m1", chat_jid=chat), 2),
        ev(MessageStatus(message_id="m1", chat_jid=chat, status="read"), 3),
        ev(MessageStatus(message_id="m1", chat_jid=chat, status="delivered"), 4),
        ev(MessageQueued(message_id="m2", chat_jid=chat, text="yo"), 5),
        ev(
            MessageSendFailed(
                message_id="m2", chat_jid=chat, error="x", attempt=1, will_retry=True
            ),
            6,
        ),
        ev(
            MessageSendFailed(
                message_id="m2", chat_jid=chat, error="gone", attempt=2, will_retry=False
            ),
            7,
        ),
    ]
    await project(engine, delivered(events), batch=10)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(messages).order_by(messages.c.message_id))).mappings()
        m1, m2 = list(rows)
    assert (m1["status"], m1["attempts"]) == ("read", 1)
    assert (m2["status"], m2["attempts"], m2["last_error"]) == ("failed", 2, "gone")


async def test_a_lid_contact_is_linked_when_its_phone_jid_shows(engine: AsyncEngine) -> None:
    lid, phone = "99887766@lid", "201000000002@s.whatsapp.net"
    received = MessageReceived(
        message_id="in1", chat_jid=lid, sender_jid=lid, push_name="Mona", sent_at=T0, is_old=True
    )
    events = [
        ev(received, 1),
        ev(ContactUpdated(jid=phone, lid=lid, saved_name="Mona S."), 2),
        ev(ContactUpdated(jid=lid, push_name="Mona M"), 3),
    ]
    await project(engine, delivered(events), batch=10)
    async with engine.connect() as conn:
        rows = list((await conn.execute(select(contacts))).mappings())
        message = (await conn.execute(select(messages))).mappings().one()
    assert len(rows) == 1
    assert (rows[0]["jid"], rows[0]["lid"], rows[0]["phone_number"]) == (phone, lid, "201000000002")
    assert (rows[0]["saved_name"], rows[0]["push_name"]) == ("Mona S.", "Mona M")
    assert message["is_old"] is True


async def test_a_message_by_phone_alone_keeps_what_is_known_of_the_contact(
    engine: AsyncEngine,
) -> None:
    """Later messages name the sender by phone JID only: the LID and the saved name stay,
    the push name and the time move on; a message that brings nothing new leaves the row as
    it was (its time too: the contact's last change, and no write)."""
    lid, phone = "99887766@lid", "201000000002@s.whatsapp.net"

    def received(n: int, push_name: str) -> MessageReceived:
        return MessageReceived(
            message_id=f"in{n}", chat_jid=phone, sender_jid=phone, push_name=push_name, sent_at=T0
        )

    events = [
        ev(ContactUpdated(jid=phone, lid=lid, saved_name="Mona S."), 1),
        ev(received(2, "Mona"), 2),
        ev(received(3, "Mona M"), 3),
        ev(received(4, "Mona M"), 4),
    ]
    await project(engine, delivered(events), batch=1)
    async with engine.connect() as conn:
        (row,) = list((await conn.execute(select(contacts))).mappings())
    assert (row["jid"], row["lid"], row["saved_name"]) == (phone, lid, "Mona S.")
    assert (row["push_name"], row["updated_at"]) == ("Mona M", T0 + timedelta(seconds=3))


async def test_a_failed_pairing_is_a_status_with_its_reason_until_the_next_pairing(
    engine: AsyncEngine,
) -> None:
    from contracts.events import SessionPairingFailed, SessionPairingStarted

    failed = [
        ev(SessionCreated(name="Support number"), 1),
        ev(SessionPairingStarted(method="qr"), 2),
        ev(SessionPairingFailed(reason="codes_exhausted", detail="6 codes"), 3),
    ]
    await project(engine, delivered(failed), batch=10)
    async with engine.connect() as conn:
        row = (await conn.execute(select(sessions))).mappings().one()
    assert (row["status"], row["pairing_failure"]) == ("pairing_failed", "codes_exhausted")
    await project(engine, delivered([ev(SessionPairingStarted(method="qr"), 4)], start=4), 10)
    async with engine.connect() as conn:
        row = (await conn.execute(select(sessions))).mappings().one()
    assert (row["status"], row["pairing_failure"]) == ("pairing", None)


async def test_a_batch_orders_a_message_by_lid_alone_before_the_phone_messages_after_it(
    new_db_url: DbFactory,
) -> None:
    """A message naming its sender by LID alone renames the contact linked to that LID (a row
    keyed by the phone JID, which the change does not name): a message by phone JID after it
    in the same batch must still be applied after it, as one by one."""
    lid, phone = "99887766@lid", "201000000002@s.whatsapp.net"

    def received(n: int, sender: str, push_name: str) -> MessageReceived:
        return MessageReceived(
            message_id=f"in{n}", chat_jid=sender, sender_jid=sender, push_name=push_name, sent_at=T0
        )

    events = [
        ev(ContactUpdated(jid=phone, lid=lid), 1),
        ev(received(2, phone, "Mona"), 2),
        ev(received(3, lid, "Mona by LID"), 3),
        ev(received(4, phone, "Mona again"), 4),
    ]
    batched, single = open_engine(await new_db_url()), open_engine(await new_db_url())
    try:
        for engine in (batched, single):
            await upgrade(engine)
        await project(batched, delivered(events), batch=10)
        await project(single, delivered(events), batch=1)
        for engine in (batched, single):
            async with engine.connect() as conn:
                rows = list((await conn.execute(select(contacts))).mappings())
            assert [(r["jid"], r["push_name"]) for r in rows] == [(phone, "Mona again")]
        assert await table_checksums(batched) == await table_checksums(single)
    finally:
        await batched.dispose()
        await single.dispose()


def contact_stream(count: int, seed: int) -> list[Envelope]:
    """Few senders in two sessions, again and again: by phone, by LID alone, by both, and
    contact updates; the same push name most of the time, sometimes another."""
    rng = random.Random(seed)
    events = []
    for n in range(count):
        peer = rng.randrange(6)
        phone, lid = f"20100000000{peer}@s.whatsapp.net", f"5550{peer}@lid"
        push = rng.choice(["Mona", "Mona", "Mona", "Mona M", None])
        session = rng.choice(["s1", "s2"])
        roll = rng.random()
        if roll < 0.5:
            payload: Event = MessageReceived(
                message_id=f"in{n}", chat_jid=phone, sender_jid=phone, push_name=push, sent_at=T0
            )
        elif roll < 0.65:
            payload = MessageReceived(
                message_id=f"in{n}", chat_jid=lid, sender_jid=lid, push_name=push, sent_at=T0
            )
        elif roll < 0.85:
            payload = MessageReceived(
                message_id=f"in{n}",
                chat_jid=phone,
                sender_jid=lid,
                sender_phone_jid=phone,
                sender_lid=lid,
                push_name=push,
                sent_at=T0,
            )
        else:
            saved = rng.choice(["Mona S.", None])
            payload = ContactUpdated(jid=phone, lid=lid, push_name=push, saved_name=saved)
        events.append(ev(payload, n, session=session))
    return events


async def test_leaving_out_unchanged_contacts_ends_as_sending_every_change(
    new_db_url: DbFactory,
) -> None:
    items = delivered(contact_stream(600, seed=5))
    urls = [await new_db_url() for _ in range(3)]
    engines = [open_engine(url) for url in urls]
    try:
        for engine in engines:
            await upgrade(engine)
        everything = SqlProjection(engines[0], remember_contacts=False)
        for i in range(0, len(items), 50):
            await everything.apply(items[i : i + 50])
        await everything.close()
        await project(engines[1], items, batch=50)
        await project(engines[2], items, batch=7)
        reference = await table_checksums(engines[0])
        assert reference["contacts"][0] == 12  # six senders in each of two sessions
        for engine in engines[1:]:
            assert await table_checksums(engine) == reference
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_projection_that_resumes_after_another_wrote_forgets_what_it_knew(
    new_db_url: DbFactory,
) -> None:
    """A lease taken over and back: the row changed meanwhile, so the same change again
    is not one that changes nothing."""
    phone = "201000000002@s.whatsapp.net"

    def received(n: int, push_name: str) -> Delivered:
        payload = MessageReceived(
            message_id=f"in{n}", chat_jid=phone, sender_jid=phone, push_name=push_name, sent_at=T0
        )
        return Delivered(n, ev(payload, n))

    engine = open_engine(await new_db_url())
    try:
        await upgrade(engine)
        first, second = SqlProjection(engine), SqlProjection(engine)
        await first.apply([received(1, "Mona")])
        await second.apply([received(2, "Mona M")])
        if engine.dialect.name == "sqlite":  # its writer refuses a batch behind one not its own
            with pytest.raises(WriterFailed, match="a batch is missing"):
                await first.apply([received(3, "Mona")])
            assert await first.position() == 2  # the consumer starts over from here
        await first.apply([received(3, "Mona")])  # PostgreSQL: its position is not this one's
        for projection in (first, second):
            await projection.close()
        async with engine.connect() as conn:
            (row,) = list((await conn.execute(select(contacts))).mappings())
        assert row["push_name"] == "Mona"
    finally:
        await engine.dispose()


async def test_a_text_message_leaves_the_row_the_full_statement_would(
    engine: AsyncEngine,
) -> None:
    """The lean statement of a text message (``message.received_text``) and the full one
    (taken by a message that also quotes one) write the same columns otherwise: every media
    and card column NULL, the rest and the view alike."""
    phone = "201000000002@s.whatsapp.net"

    def received(message_id: str, reply_to: str | None) -> MessageReceived:
        return MessageReceived(
            message_id=message_id, chat_jid=phone, sender_jid=phone, push_name="Mona",
            text="same words", sent_at=T0, reply_to=reply_to,
        )  # fmt: skip

    await project(engine, delivered([ev(received("lean", None), 1)]), batch=1)
    await project(engine, delivered([ev(received("full", "lean"), 1)], start=2), batch=1)
    async with engine.connect() as conn:
        rows = {r["message_id"]: dict(r) for r in (await conn.execute(select(messages))).mappings()}
    lean, full = rows["lean"], rows["full"]
    views = {name: msgspec.json.decode(row.pop("view")) for name, row in rows.items()}
    assert (lean.pop("reply_to"), full.pop("reply_to")) == (None, "lean")
    assert lean.pop("message_id") == "lean" and full.pop("message_id") == "full"
    assert lean == full
    assert lean["media"] is lean["media_kind"] is lean["location"] is lean["contact"] is None
    assert (views["lean"].pop("message_id"), views["full"].pop("message_id")) == ("lean", "full")
    assert (views["lean"].pop("reply_to"), views["full"].pop("reply_to")) == (None, "lean")
    assert views["lean"] == views["full"]
