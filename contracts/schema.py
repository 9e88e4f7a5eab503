"""JSON Schema for every event, command, query and reply, produced from the Structs."""

from typing import Any, get_args

import msgspec

from contracts.commands import CommandReply, SessionCommand
from contracts.envelope import Envelope
from contracts.events import Event
from contracts.queries import Query, QueryReply
from contracts.reminders import ReminderCommand

__all__ = ["json_schema", "schema_types"]


def schema_types() -> list[Any]:
    """Every type other teams may see on the wire."""
    unions = (Event, SessionCommand, ReminderCommand, CommandReply, Query, QueryReply)
    members = [member for union in unions for member in get_args(union)]
    return [Envelope, *dict.fromkeys(members)]


def json_schema() -> dict[str, Any]:
    """One document: ``$defs`` holds every type, ``x-events`` maps each event type to its def."""
    types = schema_types()
    _, components = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "WhatsApp platform contracts",
        "$defs": components,
        "x-events": {
            cls.__struct_config__.tag: f"#/$defs/{cls.__name__}" for cls in get_args(Event)
        },
    }
