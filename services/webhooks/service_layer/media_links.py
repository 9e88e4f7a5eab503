"""A delivery of a message with a received file carries a signed link to the file, made at
each attempt (a retry an hour later gets a fresh one), beside the envelope's fields."""

import msgspec

from contracts.webhooks import MediaLink
from runtime.media.links import LinkSigner
from services.webhooks.domain.model import DueDelivery

__all__ = ["MediaLinks"]


class _Payload(msgspec.Struct, frozen=True):
    message_id: str | None = None
    media: object = None


class _Peek(msgspec.Struct, frozen=True):
    payload: _Payload


_peek = msgspec.json.Decoder(_Peek)
_encode = msgspec.json.Encoder().encode
_WITH_FILE = frozenset({"message.received", "message.media_stored"})


class MediaLinks:
    """``body(head, now)``: the body to send, with ``media_url`` where the event has a file."""

    def __init__(self, signer: LinkSigner) -> None:
        self._signer = signer

    def body(self, head: DueDelivery, now: float) -> bytes:
        if head.event_type not in _WITH_FILE:
            return head.body
        payload = _peek.decode(head.body).payload
        has_file = head.event_type == "message.media_stored" or payload.media is not None
        if payload.message_id is None or not has_file:
            return head.body
        url, expires_at = self._signer.link(head.tenant, head.session, payload.message_id, now)
        extra = _encode(MediaLink(media_url=url, media_url_expires_at=expires_at))
        return head.body[:-1] + b"," + extra[1:]
