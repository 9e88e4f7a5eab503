"""One JSON error shape for every failure, and the HTTP status of each refusal code."""

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from contracts.commands import Refused
from runtime.logging import get_logger
from runtime.messaging import BackendUnavailable

log = get_logger(__name__)

STATUS_OF_CODE: Mapping[str, int] = {
    "not_found": 404,
    "already_exists": 409,
    "already_connected": 409,
    "not_connected": 409,
    "not_pairing": 409,
    "conflict": 409,
    "already_final": 409,
    "part_of_appointment": 409,
    "not_paired": 409,
    "needs_attention": 409,
    "invalid_address": 422,
    "validation_failed": 422,
    "due_in_past": 422,
    "too_far_ahead": 422,
    "unknown_event": 422,  # after_event: an id the log has not reached
    "bad_query": 422,
    "invalid_phone": 422,
    "invalid_text": 422,
    "invalid_name": 422,
    "invalid_message_id": 422,
    "quota_exceeded": 422,
    "unsupported_media": 422,
    "media_gone": 410,
    "media_not_ready": 409,
    "range_not_satisfiable": 416,
    "internal": 500,  # the service behind failed on the request (runtime/rpc.py)
    "unavailable": 503,
    "not_caught_up": 503,
    "not_implemented": 501,
    "paced": 429,  # group operations: the pacer's next slot is too far off
    "rate_limited": 429,  # a paced lookup whose slot is too far off: retry later
    "not_group_admin": 403,
    "group_not_found": 404,
    "not_group_member": 409,
    "whatsapp_refused": 502,
    "whatsapp_failed": 502,  # WhatsApp refused or did not answer (a lookup, a group call)
    "invalid_emoji": 422,
    "invalid_reply_to": 422,
    "not_own_message": 403,
    "not_sent": 409,
    "not_editable": 409,
    "edit_window_passed": 409,
    "message_revoked": 409,
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})

    @classmethod
    def from_refusal(cls, refused: Refused) -> "ApiError":
        wait = refused.details.get("retry_after_s")
        headers = {"Retry-After": str(wait)} if wait is not None else None
        status = STATUS_OF_CODE.get(refused.code, 409)
        return cls(status, refused.code, refused.message, refused.details, headers)


def error_response(
    status: int, code: str, message: str, details: Mapping[str, object]
) -> web.Response:
    body = {"error": {"code": code, "message": message, "details": dict(details)}}
    return web.json_response(body, status=status)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        response.headers.update(exc.headers)
        return response
    except BackendUnavailable as exc:  # the operator's to see: which route, what did not answer
        log.warning("gateway.backend_unavailable", method=request.method,
                    route=route_of(request), error=str(exc))  # fmt: skip
        return error_response(503, "backend_unavailable", str(exc), {})
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "body_too_large", "the request body is too large", {})
    except web.HTTPException as exc:
        code = exc.reason.lower().replace(" ", "_")
        return error_response(exc.status, code, exc.reason, {})
    except Exception:
        log.exception("gateway.unhandled_error", path=request.path)
        return error_response(500, "internal", "internal error", {})


def route_of(request: web.Request) -> str:
    """The route's pattern (``/v1/sessions/{session_id}``), never a path's ids or a query."""
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"
    return info.route.resource.canonical
