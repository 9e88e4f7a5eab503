"""Queries over NATS request/reply against a real database: scoping, paging, read-your-writes."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.commands import Refused
from contracts.envelope import Envelope
from contracts.events import (
    AppointmentScheduled,
    ContactUpdated,
    MessageReceived,
    ReminderDeferred,
    ReminderDispatched,
    ReminderRescheduled,
    ReminderRetrying,
    ReminderScheduled,
    SessionCreated,
)
from contracts.queries import (
    AppointmentView,
    ContactList,
    GetAppointment,
    GetMessage,
    GetReminder,
    GetSession,
    GetStats,
    ListContacts,
    ListMessages,
    ListReminders,
    ListSessions,
    MessageList,
    MessageView,
    Query,
    QueryReply,
    ReminderList,
    ReminderView,
    SessionList,
    SessionView,
    Stats,
)
from contracts.subjects import query_subject
from runtime.bus import Bus
from runtime.rpc import request
from services.store.adapters.projection import SqlProjection
from services.store.adapters.sql_reads import SqlReads
from services.store.bootstrap import WatchedProjection
from services.store.entrypoints.nats_queries import serve_queries
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.queries import QueryHandlers
from tests.integration.store.test_projection import T0, delivered, ev
from tests.support.waiting import eventually

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)


class Store:
    """The query side wired as in the service, with a projection the test feeds directly."""

    def __init__(self, bus: Bus, engine: AsyncEngine) -> None:
        self.bus = bus
        self.watch = PositionWatch()
        self.watch.lead()  # it projects (the test feeds it): its replies are cached
        self.sql = SqlProjection(engine)
        self.projection = WatchedProjection(self.sql, self.watch)
        self.handlers = QueryHandlers(SqlReads(engine), self.watch)
        self.sequence = 0

    async def feed(self, *events: Envelope) -> None:
        await self.projection.apply(delivered(events, start=self.sequence + 1))
        self.sequence += len(events)

    async def ask(self, query: Query | bytes) -> QueryReply:
        data = query if isinstance(query, bytes) else _encoder.encode(query)
        return _decoder.decode(await request(self.bus.nc, query_subject("store"), data, timeout=5))


@pytest.fixture
async def store(bus: Bus, engine: AsyncEngine) -> AsyncIterator[Store]:
    wired = Store(bus, engine)
    sub = await serve_queries(bus.nc, wired.handlers)
    yield wired
    await sub.unsubscribe()
    await wired.sql.close()


def tenant_events(tenant: str, session: str, base: int) -> list[Envelope]:
    chat = "201000000001@s.whatsapp.net"

    def at(n: int, payload: object) -> Envelope:
        return ev(payload, base + n, session=session, tenant=tenant)  # type: ignore[arg-type]

    received = MessageReceived(message_id=f"{tenant}-m", chat_jid=chat, sender_jid=chat, sent_at=T0)
    scheduled = ReminderScheduled(
        reminder_id=f"{tenant}-r", to=chat, text="soon", due_at=T0, appointment_id=f"{tenant}-a"
    )
    appointment = AppointmentScheduled(
        appointment_id=f"{tenant}-a",
        to=chat,
        title="Visit",
        starts_at=T0 + timedelta(hours=1),
        remind_before=[timedelta(hours=1)],
        reminder_ids=[f"{tenant}-r"],
    )
    return [
        at(1, SessionCreated(name="Sales number")),
        at(2, received),
        at(3, ContactUpdated(jid=chat, push_name="Ali")),
        at(4, appointment),
        at(5, scheduled),
        at(6, ReminderDeferred(reminder_id=f"{tenant}-r", reason="session_not_connected")),
    ]


async def test_a_tenant_never_sees_another_tenants_rows(store: Store) -> None:
    await store.feed(*tenant_events("ta", "sa", 0), *tenant_events("tb", "sb", 100))
    own = await store.ask(ListSessions(tenant="tb"))
    assert isinstance(own, SessionList) and [s.id for s in own.items] == ["sb"]
    for query in (
        GetSession(tenant="tb", session="sa"),
        GetMessage(tenant="tb", session="sa", message_id="ta-m"),
        GetReminder(tenant="tb", reminder_id="ta-r"),
        GetAppointment(tenant="tb", appointment_id="ta-a"),
    ):
        reply = await store.ask(query)
        assert isinstance(reply, Refused) and reply.code == "not_found", query
    messages = await store.ask(ListMessages(tenant="tb", session="sa"))
    contacts = await store.ask(ListContacts(tenant="tb", session="sa"))
    reminders = await store.ask(ListReminders(tenant="tb"))
    assert isinstance(messages, MessageList) and messages.items == []
    assert isinstance(contacts, ContactList) and contacts.items == []
    assert isinstance(reminders, ReminderList) and [r.id for r in reminders.items] == ["tb-r"]
    stats = await store.ask(GetStats(tenant="tb"))
    assert isinstance(stats, Stats)
    assert stats.sessions_by_status == {"new": 1} and stats.reminders_by_status == {"deferred": 1}
    assert stats.events_projected == 12


async def test_one_reminder_has_its_history_and_an_appointment_its_reminders(store: Store) -> None:
    await store.feed(*tenant_events("ta", "sa", 0))
    reminder = await store.ask(GetReminder(tenant="ta", reminder_id="ta-r"))
    assert isinstance(reminder, ReminderView) and reminder.status == "deferred"
    assert [h.event for h in reminder.history] == ["reminder.scheduled", "reminder.deferred"]
    assert reminder.history[1].detail == "session_not_connected"
    appointment = await store.ask(GetAppointment(tenant="ta", appointment_id="ta-a"))
    assert isinstance(appointment, AppointmentView) and appointment.title == "Visit"
    assert [r.id for r in appointment.reminders] == ["ta-r"]
    message = await store.ask(GetMessage(tenant="ta", session="sa", message_id="ta-m"))
    assert isinstance(message, MessageView) and message.status == "received"
    assert message.sent_at == T0


async def test_a_deferred_reminder_moved_later_is_scheduled_again(store: Store) -> None:
    """The reminder service moves only pending reminders, each back to ``scheduled`` (an
    appointment moved past a reminder that waited for its session): the store says so too."""
    await store.feed(*tenant_events("ta", "sa", 0))
    later = T0 + timedelta(hours=5)
    moved = ReminderRescheduled(reminder_id="ta-r", due_at=later, text="later")
    await store.feed(ev(moved, 7, session="sa", tenant="ta"))
    reminder = await store.ask(GetReminder(tenant="ta", reminder_id="ta-r"))
    assert isinstance(reminder, ReminderView)
    assert (reminder.status, reminder.due_at, reminder.text) == ("scheduled", later, "later")
    assert [h.event for h in reminder.history][-1] == "reminder.rescheduled"


async def test_a_reminder_waiting_to_retry_is_listed_as_retrying(store: Store) -> None:
    """Between a failed attempt and the next, the reminder is ``retrying`` (still pending: it
    can be cancelled), with why and when; the next dispatch makes it ``dispatched`` again."""
    await store.feed(*tenant_events("ta", "sa", 0))
    retry_at = T0 + timedelta(minutes=2)
    events = [
        ReminderDispatched(reminder_id="ta-r", message_id="ta-rm", attempt=1),
        ReminderRetrying(reminder_id="ta-r", attempt=1, reason="no_outcome", retry_at=retry_at),
    ]
    await store.feed(*(ev(e, 7 + n, session="sa", tenant="ta") for n, e in enumerate(events)))
    reminder = await store.ask(GetReminder(tenant="ta", reminder_id="ta-r"))
    assert isinstance(reminder, ReminderView)
    assert (reminder.status, reminder.attempts, reminder.last_reason) == (
        "retrying",
        1,
        "no_outcome",
    )
    assert reminder.history[-1].event == "reminder.retrying"
    assert reminder.history[-1].detail == f"no_outcome; next attempt at {retry_at.isoformat()}"
    listed = await store.ask(ListReminders(tenant="ta", status="retrying"))
    assert isinstance(listed, ReminderList) and [r.id for r in listed.items] == ["ta-r"]
    again = ReminderDispatched(reminder_id="ta-r", message_id="ta-rm", attempt=2)
    await store.feed(ev(again, 9, session="sa", tenant="ta"))
    listed = await store.ask(ListReminders(tenant="ta", status="retrying"))
    assert isinstance(listed, ReminderList) and listed.items == []
    reminder = await store.ask(GetReminder(tenant="ta", reminder_id="ta-r"))
    assert isinstance(reminder, ReminderView) and (reminder.status, reminder.attempts) == (
        "dispatched",
        2,
    )


async def test_messages_page_newest_first_with_a_chat_filter(store: Store) -> None:
    chats = ["201000000001@s.whatsapp.net", "201000000002@s.whatsapp.net"]
    events = [ev(SessionCreated(name="n"), 0)]
    for i in range(25):
        sent = T0 + timedelta(seconds=i // 2)  # ties on time: the id breaks them
        msg = MessageReceived(
            message_id=f"m{i:02d}", chat_jid=chats[i % 2], sender_jid=chats[i % 2], sent_at=sent
        )
        events.append(ev(msg, i + 1))
    await store.feed(*events)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await store.ask(ListMessages(tenant="t1", session="s1", limit=7, cursor=cursor))
        assert isinstance(page, MessageList)
        seen += [m.message_id for m in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"m{i:02d}" for i in reversed(range(25))]
    one_chat = await store.ask(ListMessages(tenant="t1", session="s1", chat_jid=chats[1]))
    assert isinstance(one_chat, MessageList)
    assert [m.message_id for m in one_chat.items] == [f"m{i:02d}" for i in range(23, 0, -2)]


async def test_bad_queries_are_refused_clearly(store: Store) -> None:
    bad_cursor = await store.ask(ListMessages(tenant="t1", session="s1", cursor="nonsense"))
    assert isinstance(bad_cursor, Refused) and bad_cursor.code == "bad_query"
    too_many = b'{"type": "list_messages", "tenant": "t1", "session": "s1", "limit": 100000}'
    reply = await store.ask(too_many)
    assert isinstance(reply, Refused) and reply.code == "bad_query"
    assert "limit" in reply.message


async def test_a_query_waits_for_the_projection_to_reach_its_sequence(store: Store) -> None:
    later = asyncio.create_task(
        store.ask(GetSession(tenant="t1", session="s1", min_sequence=1, wait_ms=5000))
    )

    async def query_is_waiting() -> bool:
        return store.watch.waiting == 1

    await eventually(query_is_waiting)
    await store.feed(ev(SessionCreated(name="Just made"), 1))
    reply = await later
    assert isinstance(reply, SessionView) and reply.name == "Just made"
    stale = await store.ask(GetSession(tenant="t1", session="s1", min_sequence=9, wait_ms=100))
    assert isinstance(stale, Refused) and stale.code == "not_caught_up"
