"""The AsyncAPI 3.0 document of the event log, produced from the same Structs as everything else.

One channel per event type (``wa.evt.{tenant}.{session}.<type>``), one ``receive`` operation
per channel, and one message per type whose payload is that type's envelope schema.
"""

import copy
from typing import Any, get_args

import msgspec

from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS, Event
from contracts.examples import example_envelope
from contracts.subjects import EVENTS_STREAM, event_subject

__all__ = ["asyncapi_document", "channel_id"]

_SCHEMAS = "#/components/schemas/{name}"
_PARAMETERS = {
    "tenant": {"description": "The tenant id (one token, [A-Za-z0-9_-]{1,64})."},
    "session": {"description": "The session (WhatsApp number) id within the tenant."},
}
_HEADERS = {
    "type": "object",
    "properties": {
        "Nats-Msg-Id": {
            "type": "string",
            "description": "The envelope's id; JetStream drops a re-publish within the window.",
        }
    },
    "required": ["Nats-Msg-Id"],
}


def channel_id(kind: str) -> str:
    """The channel (and message) key of an event type: ``message.received`` → message_received."""
    return kind.replace(".", "_")


def asyncapi_document(version: str) -> dict[str, Any]:
    """The whole document; ``version`` is the version of the contracts package."""
    classes = list(get_args(Event))
    _, openapi = msgspec.json.schema_components([Envelope, *classes], ref_template=_SCHEMAS)
    schemas: dict[str, Any] = _asyncapi_schema(openapi)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for cls in classes:
        kind = str(cls.__struct_config__.tag)
        key = channel_id(kind)
        schemas[f"{cls.__name__}Envelope"] = _envelope_schema(schemas["Envelope"], cls, kind)
        messages[key] = _message(cls, kind)
        channels[key] = {
            "address": event_subject("{tenant}", "{session}", kind),
            "title": kind,
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "parameters": {
                name: {"$ref": f"#/components/parameters/{name}"} for name in _PARAMETERS
            },
        }
        operations[f"receive_{key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "WhatsApp platform events",
            "version": version,
            "description": f"Every event of the JetStream stream {EVENTS_STREAM}; "
            "see docs/contracts.md for the delivery and versioning rules.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:14222",
                "protocol": "nats",
                "description": "The embedded server that `wa up` starts",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": copy.deepcopy(_PARAMETERS),
        },
    }


def _asyncapi_schema(node: Any) -> Any:
    """msgspec writes OpenAPI's ``discriminator`` object (``propertyName`` and ``mapping``); an
    AsyncAPI schema's ``discriminator`` is the property's name alone, a string."""
    if isinstance(node, list):
        return [_asyncapi_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: value["propertyName"] if _is_discriminator(key, value) else _asyncapi_schema(value)
        for key, value in node.items()
    }


def _is_discriminator(key: str, value: Any) -> bool:
    return key == "discriminator" and isinstance(value, dict) and "propertyName" in value


def _envelope_schema(base: dict[str, Any], cls: type, kind: str) -> dict[str, Any]:
    schema = copy.deepcopy(base)
    schema["title"] = f"{cls.__name__}Envelope"
    props = schema["properties"]
    props["type"] = {"const": kind}
    props["version"] = {"const": CURRENT_VERSIONS[kind]}
    props["payload"] = {"$ref": _SCHEMAS.format(name=cls.__name__)}
    return schema


def _message(cls: type, kind: str) -> dict[str, Any]:
    doc = (cls.__dict__.get("__doc__") or "").strip().splitlines()
    message: dict[str, Any] = {
        "name": kind,
        "title": cls.__name__,
        "headers": copy.deepcopy(_HEADERS),
        "payload": {"$ref": _SCHEMAS.format(name=f"{cls.__name__}Envelope")},
        "examples": [{"name": kind, "payload": msgspec.to_builtins(example_envelope(kind))}],
    }
    if doc:
        message["summary"] = doc[0]
    return message
