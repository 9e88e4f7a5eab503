"""Pairing and connection: pair by QR or phone code, read the QR, log out, reconnect."""

import io

import segno
from aiohttp import web

from contracts.addresses import InvalidAddress, parse_address
from contracts.commands import GetQr, LogoutSession, PairSession, ReconnectSession
from services.gateway.bodies.requests import PairRequest, read_body
from services.gateway.bodies.responses import PairingStarted, QrCode, SessionAction, json_response
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import BACKENDS, SETTINGS
from services.gateway.http.middleware import request_id
from services.gateway.http.operations import Operations
from services.gateway.http.paths import owned_session

ops = Operations("pairing")
PNG = {"image/png": {"type": "string", "contentMediaType": "image/png"}}


def _wants_png(request: web.Request) -> bool:
    accept = [part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")]
    if "image/png" not in accept:
        return False
    return "application/json" not in accept or accept.index("image/png") < accept.index(
        "application/json"
    )


@ops(
    "POST", "/v1/sessions/{session_id}/pair",
    summary="Start pairing, by QR code or by a code typed on the phone; refused when connected",
    body=PairRequest, status=202, returns=PairingStarted, errors=(409,),
)  # fmt: skip
async def pair(request: web.Request) -> web.Response:
    session = await owned_session(request)
    body = await read_body(request, PairRequest)
    phone = None
    if body.method == "phone":
        phone = _phone(body.phone, request.app[SETTINGS].default_region)
    accepted = await request.app[BACKENDS].accept(
        PairSession(
            tenant=session.tenant,
            session=session.id,
            method=body.method,
            phone=phone,
            correlation_id=request_id(request),
        )
    )
    started = PairingStarted(
        session_id=session.id,
        status=accepted.status or "pairing",
        method=body.method,
        pairing_code=accepted.pairing_code,
    )
    return json_response(started, status=202)


def _phone(text: str | None, region: str) -> str:
    if not text:
        raise ApiError(422, "validation_failed", "method 'phone' needs 'phone'", {"field": "phone"})
    try:
        address = parse_address(text, region)
    except InvalidAddress as exc:
        raise ApiError(422, "invalid_address", exc.message, {"reason": exc.reason}) from exc
    if address.phone_number is None or address.device is not None:
        details = {"reason": "not_a_phone_number"}
        raise ApiError(422, "invalid_address", f"{text!r} is not a phone number", details)
    return address.phone_number


@ops(
    "GET", "/v1/sessions/{session_id}/qr",
    summary="The current QR code of a pairing session (JSON, or PNG with Accept: image/png)",
    returns=QrCode, media=PNG, errors=(409,),
)  # fmt: skip
async def qr(request: web.Request) -> web.Response:
    session = await owned_session(request)
    accepted = await request.app[BACKENDS].accept(GetQr(tenant=session.tenant, session=session.id))
    if not accepted.qr:
        raise ApiError(409, "not_pairing", "the session has no QR code now")
    headers = {"Cache-Control": "no-store"}
    if _wants_png(request):
        image = io.BytesIO()
        segno.make(accepted.qr, error="m").save(image, kind="png", scale=6, border=2)
        return web.Response(body=image.getvalue(), content_type="image/png", headers=headers)
    response = json_response(QrCode(qr=accepted.qr, expires_at=accepted.qr_expires_at))
    response.headers.update(headers)
    return response


@ops(
    "POST", "/v1/sessions/{session_id}/logout",
    summary="Log the session out of WhatsApp (it must be paired again)",
    status=202, returns=SessionAction, errors=(409,),
)  # fmt: skip
async def logout(request: web.Request) -> web.Response:
    session = await owned_session(request)
    backends = request.app[BACKENDS]
    accepted = await backends.accept(
        LogoutSession(tenant=session.tenant, session=session.id, correlation_id=request_id(request))
    )
    await backends.caught_up(session.tenant, session.id, accepted.sequence)
    return json_response(SessionAction(session_id=session.id, status=accepted.status), 202)


@ops(
    "POST", "/v1/sessions/{session_id}/reconnect",
    summary="Connect again a session that waits for a person (after too many failed retries)",
    status=202, returns=SessionAction, errors=(409,),
)  # fmt: skip
async def reconnect(request: web.Request) -> web.Response:
    session = await owned_session(request)
    backends = request.app[BACKENDS]
    accepted = await backends.accept(
        ReconnectSession(
            tenant=session.tenant, session=session.id, correlation_id=request_id(request)
        )
    )
    await backends.caught_up(session.tenant, session.id, accepted.sequence)
    return json_response(SessionAction(session_id=session.id, status=accepted.status), 202)
