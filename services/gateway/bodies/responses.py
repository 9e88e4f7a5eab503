"""Response bodies: typed Structs, encoded once each, and the documented error shape."""

from datetime import datetime
from typing import Any, Literal

import msgspec
from aiohttp import web

from contracts.queries import AppointmentView, ContactView, MessageView, ReminderView, SessionView

__all__ = [
    "AppointmentPage",
    "ContactPage",
    "ErrorBody",
    "ErrorDetail",
    "Health",
    "MessageAccepted",
    "MessagePage",
    "PairingStarted",
    "QrCode",
    "Readiness",
    "ReminderPage",
    "SessionAction",
    "SessionPage",
    "TenantKey",
    "TenantPage",
    "TenantView",
    "json_body",
    "json_response",
]


class Out(msgspec.Struct, frozen=True, kw_only=True):
    """A response body."""


class ErrorDetail(Out, frozen=True, kw_only=True):
    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(Out, frozen=True, kw_only=True):
    """Every error: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


class TenantView(Out, frozen=True, kw_only=True):
    id: str
    name: str
    created_at: datetime


class TenantKey(Out, frozen=True, kw_only=True):
    """A tenant's API key, shown once: at creation and at each rotation."""

    id: str
    name: str
    api_key: str


class TenantPage(Out, frozen=True, kw_only=True):
    items: list[TenantView]


class SessionPage(Out, frozen=True, kw_only=True):
    items: list[SessionView]
    next_cursor: str | None = None


class PairingStarted(Out, frozen=True, kw_only=True):
    session_id: str
    status: str
    method: Literal["qr", "phone"]
    pairing_code: str | None = None  # method "phone": type it on the phone


class QrCode(Out, frozen=True, kw_only=True):
    qr: str  # the payload to render as a QR code; a secret, short-lived
    expires_at: datetime | None = None


class SessionAction(Out, frozen=True, kw_only=True):
    session_id: str
    status: str | None = None


class MessageAccepted(Out, frozen=True, kw_only=True):
    id: str
    status: Literal["queued"]


class MessagePage(Out, frozen=True, kw_only=True):
    items: list[MessageView]
    next_cursor: str | None = None


class ContactPage(Out, frozen=True, kw_only=True):
    items: list[ContactView]
    next_cursor: str | None = None


class ReminderPage(Out, frozen=True, kw_only=True):
    items: list[ReminderView]
    next_cursor: str | None = None


class AppointmentPage(Out, frozen=True, kw_only=True):
    items: list[AppointmentView]
    next_cursor: str | None = None


class Health(Out, frozen=True, kw_only=True):
    status: Literal["ok"]


class Readiness(Out, frozen=True, kw_only=True):
    ready: bool
    checks: dict[str, Literal["ok", "down"]]


_encoder = msgspec.json.Encoder()


def json_response(value: object, status: int = 200) -> web.Response:
    return web.Response(body=_encoder.encode(value), status=status, content_type="application/json")


def json_body(body: bytes, status: int = 200) -> web.Response:
    """A body that is JSON already (a store reply passed on)."""
    return web.Response(body=body, status=status, content_type="application/json")
