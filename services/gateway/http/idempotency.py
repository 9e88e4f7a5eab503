"""``Idempotency-Key`` on the creating POSTs: the first final answer is kept (NATS KV, 24 h,
shared by every replica) and given again to a repeat, which does nothing again.

An operation declared ``idempotent=True`` (operations.py) runs through ``answer_once``; its
handler names what it creates with ``keyed_id``, the same id on every run of one key."""

import asyncio
import time
from collections.abc import AsyncIterator

import msgspec
from aiohttp import web

from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable
from services.gateway.adapters.idempotency_kv import KvIdempotencyRecords
from services.gateway.adapters.idempotency_records import IdempotencyRecords
from services.gateway.domain.idempotency import (
    KEY_HEADER,
    Answer,
    KeyRejected,
    check_key,
    fingerprint,
    is_final,
    record_name,
)
from services.gateway.domain.sealing import open_sealed, seal, sealing_key
from services.gateway.http.auth import TENANT, bearer
from services.gateway.http.errors import ApiError, Handler, error_middleware
from services.gateway.http.keys import JETSTREAM, SETTINGS
from services.gateway.service_layer.claims import Claim, Claims, InProgress, KeyReused

__all__ = ["CLAIMS", "REPLAYED_HEADER", "answer_once", "claims_over", "keyed_id", "open_claims"]

log = get_logger(__name__)
CLAIMS = web.AppKey("idempotency_claims", Claims)
SEED = web.RequestKey("idempotency_seed", str)
REPLAYED_HEADER = "Idempotent-Replayed"
_encoder = msgspec.json.Encoder()
_answer = msgspec.json.Decoder(Answer)


def claims_over(records: IdempotencyRecords, timeout_s: float) -> Claims:
    """A claim holds for a request timeout unless renewed; a repeat waits as long."""
    return Claims(records, clock=time.time, lease_s=max(1.0, timeout_s), wait_s=timeout_s)


async def open_claims(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx``, after the NATS connection: the records' bucket."""
    settings = app[SETTINGS]
    records = await KvIdempotencyRecords.open(app[JETSTREAM], replicas=settings.stream_replicas)
    app[CLAIMS] = claims_over(records, settings.request_timeout_s)
    yield


def keyed_id(request: web.Request) -> str | None:
    """The id a keyed request gives what it creates (the same on every retry), else None."""
    return request.get(SEED)


async def answer_once(request: web.Request, handler: Handler, route: str) -> web.StreamResponse:
    values = request.headers.getall(KEY_HEADER, [])
    if not values:
        return await handler(request)
    try:
        key = check_key(values)
    except KeyRejected as exc:
        raise ApiError(400, "invalid_idempotency_key", str(exc), {"header": KEY_HEADER}) from exc
    scope = f"tenant:{request[TENANT]}" if TENANT in request else "admin"
    secret = sealing_key(bearer(request), scope, route, key)
    name = record_name(scope, route, key)
    body = await request.read()
    claims = request.app[CLAIMS]
    try:
        begun = await claims.begin(name, fingerprint(request.method, request.path_qs, body))
    except KeyReused as exc:
        raise _reused("another method, path or body") from exc
    except InProgress as exc:
        message = "a request with this Idempotency-Key is still running; retry shortly"
        raise ApiError(
            409, "idempotency_request_in_progress", message, {"header": KEY_HEADER},
            headers={"Retry-After": "1"},
        ) from exc  # fmt: skip
    if isinstance(begun, bytes):
        return _replay(secret, name, begun)
    return await _run(request, handler, claims, begun, secret)


def _reused(what: str) -> ApiError:
    message = f"this Idempotency-Key was first used with {what}"
    return ApiError(422, "idempotency_key_reused", message, {"header": KEY_HEADER})


async def _run(
    request: web.Request, handler: Handler, claims: Claims, claim: Claim, secret: bytes
) -> web.StreamResponse:
    request[SEED] = claim.seed
    released = asyncio.Event()
    holding = asyncio.create_task(claims.hold(claim, released))
    try:
        response = await error_middleware(request, handler)
    finally:
        released.set()
        holding.cancel()
        await asyncio.gather(holding, return_exceptions=True)
    answer = _final_answer(response)
    kept = None if answer is None else seal(secret, answer, claim.name.encode())
    try:
        await claims.finish(claim, kept)
    except BackendUnavailable as exc:  # the work is done: answer anyway, a retry re-runs it
        log.warning("idempotency.answer_not_kept", seed=claim.seed, error=str(exc))
    return response


def _final_answer(response: web.StreamResponse) -> bytes | None:
    if not isinstance(response, web.Response) or not is_final(response.status):
        return None
    if not isinstance(response.body, bytes):
        return None
    answer = Answer(
        status=response.status,
        body=response.body,
        content_type=response.content_type,
        charset=response.charset,
    )
    return _encoder.encode(answer)


def _replay(secret: bytes, name: str, sealed: bytes) -> web.Response:
    plain = open_sealed(secret, sealed, name.encode())
    if plain is None:
        raise _reused("another credential")
    answer = _answer.decode(plain)
    response = web.Response(status=answer.status, body=answer.body)
    if answer.content_type:
        response.content_type = answer.content_type
        response.charset = answer.charset
    response.headers[REPLAYED_HEADER] = "true"
    return response
