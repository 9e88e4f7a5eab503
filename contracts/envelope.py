"""The envelope every event travels in, and the one way to make one."""

from datetime import UTC, datetime

from msgspec import Struct

from contracts.events import CURRENT_VERSIONS, Event, event_type
from contracts.ids import new_id

__all__ = ["Envelope", "make_event"]


class Envelope(Struct, frozen=True, kw_only=True):
    id: str
    type: str
    version: int
    tenant: str
    session: str
    occurred_at: datetime
    correlation_id: str | None = None
    causation_id: str | None = None
    payload: Event


def make_event(
    payload: Event,
    *,
    tenant: str,
    session: str,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    event_id: str | None = None,
) -> Envelope:
    """Wrap a payload in a new envelope with a fresh sortable id."""
    kind = event_type(payload)
    return Envelope(
        id=event_id or new_id(),
        type=kind,
        version=CURRENT_VERSIONS[kind],
        tenant=tenant,
        session=session,
        occurred_at=occurred_at or datetime.now(UTC),
        correlation_id=correlation_id,
        causation_id=causation_id,
        payload=payload,
    )
