"""The gateway's HTTP server: requests that are not valid HTTP get the one error shape, and
nothing of what they carried (an Authorization header, a URL) reaches a log.

aiohttp answers what its parser refuses in ``RequestHandler.handle_error``: it logs the
parser's message (which quotes the offending bytes: a header with a control character, key
included) with a traceback, and answers it as text/plain. Here that method is replaced; the
runner builds the server with this handler class instead of aiohttp's."""

from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler

from runtime.logging import get_logger
from services.gateway.http.errors import error_response

__all__ = ["MAX_FIELD_BYTES", "MAX_TARGET_BYTES", "GatewayRunner"]

log = get_logger(__name__)

# A too long line is one LineTooLong for the target (the URL) and for a header alike; its
# limit tells them apart, so the two limits differ.
MAX_TARGET_BYTES = 8192  # longer request targets get 414
MAX_FIELD_BYTES = 8190  # a longer header (name and value) gets 431; so do more than 128


class GatewayRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:  # as aiohttp: the answer has begun, drop the line
            raise ConnectionError("the response has begun; no error response can follow")
        status, code, text, details = self._described(status, exc)
        if isinstance(exc, HttpProcessingError):
            log.info("gateway.bad_http_request", status=status, code=code,
                     error=type(exc).__name__, peer=request.remote)  # fmt: skip
        else:
            log.error("gateway.unhandled_error", status=status, exc_info=exc)
        response = error_response(status, code, text, details)
        response.force_close()
        return response

    def _described(
        self, status: int, exc: BaseException | None
    ) -> tuple[int, str, str, dict[str, Any]]:
        if isinstance(exc, LineTooLong):
            limit = exc.args[1] if len(exc.args) > 1 else None
            if limit == self.max_line_size:
                text = f"the request target is longer than {limit} bytes"
                return 414, "uri_too_long", text, {"limit_bytes": limit}
            text = f"a request header is longer than {limit} bytes"
            return 431, "header_too_large", text, {"limit_bytes": limit}
        if isinstance(exc, BadHttpMessage) and exc.message == "Too many headers received":
            text = f"more than {self.max_headers} request headers"
            return 431, "too_many_headers", text, {"limit": self.max_headers}
        if isinstance(exc, HttpProcessingError):
            return 400, "malformed_request", "the request is not valid HTTP/1.1", {}
        if status == 500:
            return 500, "internal", "internal error", {}
        phrase = HTTPStatus(status).phrase
        return status, phrase.lower().replace(" ", "_"), phrase, {}


class _GatewayServer(web.Server):
    def __call__(self) -> RequestHandler:
        return GatewayRequestHandler(self, loop=self._loop, **self._kwargs)


class GatewayRunner(web.AppRunner):
    """An AppRunner whose connections are handled by GatewayRequestHandler."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("max_line_size", MAX_TARGET_BYTES)
        kwargs.setdefault("max_field_size", MAX_FIELD_BYTES)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        made = await super()._make_server()  # starts the app up, as AppRunner does
        return _GatewayServer(
            made.request_handler,
            request_factory=made.request_factory,
            handler_cancellation=made.handler_cancellation,
            loop=made._loop,
            **made._kwargs,
        )
