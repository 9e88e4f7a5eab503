"""A deterministic, realistic stream of events for the store's tests and benchmark.

Several tenants and sessions; sessions created, connected, dropped and reconnected; mostly
incoming messages (some from ``@lid`` senders, some old), outgoing sends with receipts and
failures, contacts, reminders and appointments. Same seed, same events (ids and times too).
"""

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext

from contracts.codec import encode_event
from contracts.envelope import Envelope, make_event
from contracts.events import (
    AppointmentScheduled,
    ContactUpdated,
    Event,
    MessageQueued,
    MessageReceived,
    MessageSendFailed,
    MessageSent,
    MessageStatus,
    ReminderDispatched,
    ReminderScheduled,
    ReminderSent,
    SessionConnected,
    SessionCreated,
    SessionDisconnected,
)
from contracts.subjects import EVENTS_STREAM, event_subject

__all__ = ["encoded_stream", "event_stream", "publish_fast"]

START = datetime(2026, 1, 1, tzinfo=UTC)


def event_stream(count: int, *, seed: int = 7, tenants: int = 3) -> Iterator[Envelope]:
    """``count`` events; the first ones create and connect every session."""
    rng = random.Random(seed)
    sessions = [(f"t{t}", f"s{t}x{s}") for t in range(tenants) for s in range(3)]
    n = 0

    def emit(payload: Event, tenant: str, session: str) -> Envelope:
        nonlocal n
        n += 1
        at = START + timedelta(milliseconds=n)
        return make_event(
            payload, tenant=tenant, session=session, occurred_at=at, event_id=f"ev{n:09d}"
        )

    for tenant, session in sessions:
        yield emit(SessionCreated(name="Sales number"), tenant, session)
        phone = f"2010{rng.randrange(10**7):07d}"
        yield emit(
            SessionConnected(phone_number=phone, jid=f"{phone}:3@s.whatsapp.net"), tenant, session
        )
    while n < count:
        tenant, session = rng.choice(sessions)
        for payload in _activity(rng, n):
            if n < count:
                yield emit(payload, tenant, session)


def _activity(rng: random.Random, n: int) -> list[Event]:
    roll = rng.random()
    peer = f"2011{rng.randrange(500):07d}"
    jid = f"{peer}@s.whatsapp.net"
    lid = f"{rng.randrange(10**9)}@lid" if rng.random() < 0.2 else None
    at = START + timedelta(seconds=n - rng.randrange(100))
    if roll < 0.70:
        return [
            MessageReceived(
                message_id=f"in{n}",
                chat_jid=jid,
                sender_jid=lid or jid,
                sender_phone_jid=jid,
                sender_lid=lid,
                push_name=f"Peer {peer[-3:]}",
                text=f"hello {n}",
                sent_at=at,
                is_old=rng.random() < 0.05,
            )
        ]
    if roll < 0.85:
        mid = f"out{n}"
        tail: list[Event] = [MessageSent(message_id=mid, chat_jid=jid)]
        if rng.random() < 0.2:
            tail = [
                MessageSendFailed(
                    message_id=mid,
                    chat_jid=jid,
                    error="timeout",
                    attempt=1,
                    will_retry=rng.random() < 0.5,
                )
            ]
        else:
            tail.append(MessageStatus(message_id=mid, chat_jid=jid, status="delivered"))
            if rng.random() < 0.5:
                tail.append(MessageStatus(message_id=mid, chat_jid=jid, status="read"))
        return [MessageQueued(message_id=mid, chat_jid=jid, text=f"reply {n}"), *tail]
    if roll < 0.92:
        return [ContactUpdated(jid=jid, lid=lid, push_name=f"P{peer[-2:]}", saved_name="Client")]
    if roll < 0.95:
        return [
            SessionDisconnected(reason="network", will_retry=True, attempt=1),
            SessionConnected(phone_number="201000000000", jid="201000000000:3@s.whatsapp.net"),
        ]
    rid, mid = f"r{n}", f"rm{n}"
    events: list[Event] = []
    appointment = None
    if rng.random() < 0.3:
        appointment = f"a{n}"
        events.append(
            AppointmentScheduled(
                appointment_id=appointment,
                to=jid,
                title="Dentist",
                starts_at=at + timedelta(days=1),
                remind_before=[timedelta(hours=2)],
                reminder_ids=[rid],
            )
        )
    events += [
        ReminderScheduled(
            reminder_id=rid, to=jid, text="see you", due_at=at, appointment_id=appointment
        ),
        ReminderDispatched(reminder_id=rid, message_id=mid),
        ReminderSent(reminder_id=rid, message_id=mid),
    ]
    return events


def encoded_stream(count: int, *, seed: int = 7) -> list[tuple[str, bytes, str]]:
    """(subject, bytes, event id) for each event, ready for a raw ``js.publish``."""
    return [
        (event_subject(e.tenant, e.session, e.type), encode_event(e), e.id)
        for e in event_stream(count, seed=seed)
    ]


async def publish_fast(js: JetStreamContext, items: list[tuple[str, bytes, str]]) -> int:
    """Publish in order, many in flight at once; returns the last stream sequence."""
    last = 0
    for i in range(0, len(items), 1000):
        acks = await asyncio.gather(
            *(
                js.publish(subject, data, stream=EVENTS_STREAM, headers={"Nats-Msg-Id": msg_id})
                for subject, data, msg_id in items[i : i + 1000]
            )
        )
        last = max(last, *(int(a.seq) for a in acks))
    return last
