"""Events as another writer may have logged them: valid, but not byte for byte what our
encoder makes (its key order), so only a reader that passes bytes on keeps them as they are."""

import json

import msgspec
from nats.js import JetStreamContext

from contracts.envelope import Envelope
from contracts.subjects import EVENTS_STREAM, event_subject

__all__ = ["as_logged_elsewhere", "log_bytes"]


def as_logged_elsewhere(envelope: Envelope) -> bytes:
    """The envelope with its payload first and compact separators: decoding and encoding it
    again would give other bytes."""
    fields = msgspec.to_builtins(envelope)
    reordered = {"payload": fields.pop("payload"), **fields}
    return json.dumps(reordered, separators=(",", ":")).encode()


async def log_bytes(js: JetStreamContext, envelope: Envelope, data: bytes) -> int:
    """Append ``data`` as ``envelope``'s event; its stream sequence."""
    subject = event_subject(envelope.tenant, envelope.session, envelope.type)
    headers = {"Nats-Msg-Id": envelope.id}
    ack = await js.publish(subject, data, stream=EVENTS_STREAM, headers=headers)
    return int(ack.seq)
