"""A plausible, deterministic example of every event, built from the types themselves, so the
published documents (docs/contracts.md, AsyncAPI) stay in step with the contracts."""

from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import msgspec.inspect as mi

from contracts.envelope import Envelope, make_event
from contracts.events import EVENT_TYPES, Event

__all__ = ["EXAMPLE_TIME", "example_envelope", "example_payload", "example_value"]

EXAMPLE_TIME = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
_USER_JID = "201234567890@s.whatsapp.net"
_BY_NAME = {
    "name": "Sales number",
    "push_name": "Mona",
    "saved_name": "Mona (clinic)",
    "text": "Hello from the clinic",
    "to": "+201234567890",
    "url": "https://example.com/hooks/wa",
}


def example_envelope(event_type: str) -> Envelope:
    """The example of ``event_type`` in its envelope, with fixed ids and times."""
    return make_event(
        example_payload(event_type),
        tenant="acme",
        session="sales-1",
        occurred_at=EXAMPLE_TIME,
        correlation_id="0194a3b2-7c00-7000-8000-00000000c001",
        event_id="0194a3b2-7c00-7000-8000-000000000001",
    )


def example_payload(event_type: str) -> Event:
    """An instance of the event type's Struct with every field filled in."""
    cls = EVENT_TYPES[event_type]
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    return cls(**{f.name: example_value(f.type, f.name) for f in info.fields})


def example_value(info: mi.Type, name: str) -> Any:
    """A value of the type ``info`` for a field called ``name``."""
    match info:
        case mi.UnionType(types=types):
            chosen = [t for t in types if not isinstance(t, mi.NoneType)] or list(types)
            return example_value(chosen[0], name)
        case mi.StrType():
            return _string(name)
        case mi.BoolType():
            return name.startswith(("is_", "will_")) and name != "is_group"
        case mi.IntType(ge=ge):
            return max(1, ge or 0)
        case mi.FloatType():
            return 1.5
        case mi.DateTimeType():
            return EXAMPLE_TIME
        case mi.DateType():
            return EXAMPLE_TIME.date()
        case mi.TimeDeltaType():
            return timedelta(hours=24)
        case mi.LiteralType(values=values):
            return values[0]
        case mi.EnumType(cls=enum_cls):
            return next(iter(enum_cls)) if issubclass(enum_cls, Enum) else None
        case mi.ListType(item_type=item) | mi.SetType(item_type=item):
            return [example_value(item, name)]
        case mi.DictType():
            return {}
        case mi.StructType(cls=struct_cls, fields=fields):
            return struct_cls(**{f.name: example_value(f.type, f.name) for f in fields})
    return None


def _string(name: str) -> str:
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.endswith("lid"):
        return "123456789012345@lid"
    if name.endswith("jid"):
        return _USER_JID
    if "phone" in name:
        return "+201234567890"
    if name.endswith(("_id", "_ids")):
        return f"{name.rsplit('_', 1)[0].replace('_', '-')}-1"
    return f"example {name.replace('_', ' ')}"
