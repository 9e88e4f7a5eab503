"""A small, varied log: two tenants, three sessions, three event types."""

from datetime import UTC, datetime

from contracts.envelope import Envelope, make_event
from contracts.events import Event, MessageReceived, MessageSent, SessionCreated
from runtime.bus import Bus

JID = "201234567890@s.whatsapp.net"


def varied_events(count: int, *, offset: int = 0) -> list[Envelope]:
    events: list[Envelope] = []
    for i in range(offset, offset + count):
        tenant, session = [("acme", "s1"), ("acme", "s2"), ("other", "s3")][i % 3]
        payload: Event
        if i % 4 == 0:
            payload = SessionCreated(name=f"number {i}")
        elif i % 4 == 1:
            payload = MessageSent(message_id=f"m{i}", chat_jid=JID)
        else:
            sent_at = datetime(2026, 1, 1, tzinfo=UTC)
            payload = MessageReceived(
                message_id=f"m{i}", chat_jid=JID, sender_jid=JID, text=f"hi {i}", sent_at=sent_at
            )
        events.append(make_event(payload, tenant=tenant, session=session))
    return events


async def publish_all(bus: Bus, events: list[Envelope]) -> None:
    for event in events:
        await bus.publisher.publish(event)
