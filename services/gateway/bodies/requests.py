"""Request bodies and query strings: decoded and validated at the edge into typed Structs.

The same Structs generate the OpenAPI document, so what is documented is what is enforced."""

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from aiohttp import web

from contracts.ids import ID_PATTERN
from contracts.media import SendableKind
from contracts.patterns import whole
from contracts.queries import (
    DEFAULT_PAGE_SIZE,
    AppointmentStatusName,
    PageSize,
    ReminderStatusName,
)
from contracts.reminders import DEFAULT_REMIND_BEFORE
from services.gateway.http.errors import ApiError

T = TypeVar("T")

NO_NUL = r"^[^\x00]*$"  # NUL is no character of a text, and PostgreSQL cannot store it
# (NO_NUL needs no whole(): its class holds "\n", so the match always reaches the end)
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
Address = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=65536, pattern=NO_NUL)]
MediaUrl = Annotated[str, msgspec.Meta(min_length=1, max_length=2048, pattern=NO_NUL)]
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
FieldValue = Annotated[str, msgspec.Meta(max_length=1000, pattern=NO_NUL)]
Fields = Annotated[dict[str, FieldValue], msgspec.Meta(max_length=50)]
LeadTimes = Annotated[list[timedelta], msgspec.Meta(min_length=1, max_length=10)]


class Body(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A request body: unknown fields are refused, not ignored."""


class NewTenant(Body, frozen=True, kw_only=True):
    name: Name


class NewSession(Body, frozen=True, kw_only=True):
    name: Name
    typing_before_send: bool = False  # show "typing…" before each send (PATCH changes it)


class PairRequest(Body, frozen=True, kw_only=True):
    method: Literal["qr", "phone"] = "qr"
    phone: Address | None = None  # required for "phone": the number being paired


class MediaRef(Body, frozen=True, kw_only=True):
    id: Id | None = None  # an upload's id (POST /v1/media), or
    url: MediaUrl | None = None  # a public http(s) URL the gateway fetches the file from
    kind: SendableKind
    caption: Text | None = None
    filename: Name | None = None  # else the upload's


class LocationBody(Body, frozen=True, kw_only=True):
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    name: Name | None = None
    address: Name | None = None


class ContactBody(Body, frozen=True, kw_only=True):
    name: Name
    phone: Annotated[str, msgspec.Meta(min_length=3, max_length=32, pattern=r"^\+?[0-9 ()\-.]+$")]


class SendMessage(Body, frozen=True, kw_only=True):
    to: Address
    text: Text | None = None  # a text, or
    media: MediaRef | None = None  # a file, or
    location: LocationBody | None = None  # a location, or
    contact: ContactBody | None = None  # a contact card (sent as a vCard)
    reply_to: Id | None = None  # a quoted reply to this message (of the same chat)


class Reaction(Body, frozen=True, kw_only=True):
    emoji: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # one emoji


class TextEdit(Body, frozen=True, kw_only=True):
    text: Text


class NewReminder(Body, frozen=True, kw_only=True):
    session_id: Id
    to: Address
    due_at: AwareTime
    text: Text | None = None
    template: Text | None = None  # "{field}" placeholders filled from fields
    fields: Fields = msgspec.field(default_factory=dict)


class ReminderChange(Body, frozen=True, kw_only=True):
    due_at: AwareTime
    text: Text | None = None  # a new text (or template); else the reminder keeps its own
    template: Text | None = None
    fields: Fields = msgspec.field(default_factory=dict)


class NewAppointment(Body, frozen=True, kw_only=True):
    session_id: Id
    to: Address
    title: Name
    starts_at: AwareTime
    remind_before: LeadTimes = msgspec.field(default_factory=lambda: list(DEFAULT_REMIND_BEFORE))
    template: Text | None = None
    fields: Fields = msgspec.field(default_factory=dict)


class AppointmentChange(Body, frozen=True, kw_only=True):
    starts_at: AwareTime | None = None
    remind_before: LeadTimes | None = None
    title: Name | None = None


class Params(msgspec.Struct, frozen=True, kw_only=True):
    """A query string: unknown parameters are ignored."""


Cursor = Annotated[str, msgspec.Meta(pattern=whole(r"[A-Za-z0-9_=-]{1,512}"))]  # base64url
AsciiAddress = Annotated[str, msgspec.Meta(pattern=whole(r"[ -~]{1,200}"))]  # fits in a URL


class Page(Params, frozen=True, kw_only=True):
    limit: PageSize = DEFAULT_PAGE_SIZE
    cursor: Cursor | None = None  # the next_cursor of the previous page


class MessageParams(Page, frozen=True, kw_only=True):
    chat: AsciiAddress | None = None  # a JID or phone number: only that chat


# The ``id:`` of an event from /v1/events: the answer includes what that event changed (the
# store is given up to two seconds to apply it, else 503 not_caught_up; an id the log has
# not reached is 422 unknown_event, see http/positions.py).
EventId = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]


class ChatParams(Page, frozen=True, kw_only=True):
    after_event: EventId | None = None


class ReminderParams(Page, frozen=True, kw_only=True):
    session_id: Id | None = None
    status: ReminderStatusName | None = None
    after_event: EventId | None = None


class AppointmentParams(Page, frozen=True, kw_only=True):
    session_id: Id | None = None
    status: AppointmentStatusName | None = None
    after_event: EventId | None = None


class MediaParams(Params, frozen=True, kw_only=True):
    after_event: EventId | None = None  # the event that told of the file (message.media_stored)


class UploadParams(Params, frozen=True, kw_only=True):
    filename: Annotated[str, msgspec.Meta(max_length=255)] | None = None  # kept with the file
    session_id: Id | None = None  # deleted with this session (else it is the tenant's)


class EventParams(Params, frozen=True, kw_only=True):
    session_id: Id | None = None
    types: Annotated[str, msgspec.Meta(max_length=2000)] | None = None  # comma-separated


_any = msgspec.json.Decoder(Any)
_typed: dict[type[Any], msgspec.json.Decoder[Any]] = {}


async def read_body(request: web.Request, kind: type[T]) -> T:
    """400 for bytes that are not JSON (or not UTF-8), 422 for JSON that is not a ``kind``."""
    try:
        raw = await request.read()
    except ConnectionResetError as exc:  # the client closed before the body was complete
        raise ApiError(400, "malformed_request", "the request body ended early") from exc
    decoder = _typed.get(kind) or _typed.setdefault(kind, msgspec.json.Decoder(kind))
    try:
        return decoder.decode(raw)  # type: ignore[no-any-return]
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # ValidationError is a DecodeError
        raise _refusal(raw, exc) from exc


def _refusal(raw: bytes, exc: Exception) -> ApiError:
    """The decoder stops at its first error, so a body refused for its shape may still hold
    bytes that are no UTF-8 further on (msgspec raises those as UnicodeDecodeError): those are
    400 as well."""
    try:
        raw.decode()
    except UnicodeDecodeError as bad:
        return ApiError(400, "malformed_json", f"the body is not valid UTF-8: {bad.reason}")
    if isinstance(exc, msgspec.ValidationError):
        return ApiError(422, "validation_failed", str(exc))
    try:
        _any.decode(raw)
    except msgspec.DecodeError:
        return ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}")
    return ApiError(422, "validation_failed", str(exc))


def read_params(request: web.Request, kind: type[T]) -> T:
    try:
        return msgspec.convert(dict(request.query), kind, strict=False)
    except msgspec.ValidationError as exc:
        raise ApiError(422, "validation_failed", str(exc)) from exc
