"""Where an uploaded file's bytes come from in a request: its raw body or a multipart form's
``file`` field, each read piece by piece (never whole)."""

from collections.abc import Awaitable, Callable

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from services.gateway.http.errors import ApiError
from services.gateway.service_layer.uploads import IncomingFile, checked_filename

__all__ = ["FORM_FIELD", "form_file", "request_file"]

FORM_FIELD = "file"


async def request_file(request: web.Request) -> IncomingFile:
    """The request's file: its raw body, or the ``file`` field of a multipart form."""
    filename = checked_filename(request.query.get("filename"))
    if request.content_type == "multipart/form-data":
        incoming = await form_file(request, filename)
    else:
        incoming = IncomingFile(
            read=request.content.read, claimed=request.headers.get("Content-Type", ""),
            declared=request.content_length, filename=filename,
        )  # fmt: skip
    return incoming


async def form_file(request: web.Request, filename: str | None) -> IncomingFile:
    """The form's ``file`` field (other fields before it are skipped, unread); its own
    filename unless ``?filename=`` names one."""
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == FORM_FIELD:
                return IncomingFile(
                    read=_checked(part), claimed=part.headers.get("Content-Type", ""),
                    filename=filename or checked_filename(part.filename),
                )  # fmt: skip
            await part.release()
    except (ValueError, HttpProcessingError) as exc:  # no boundary, or a malformed part
        raise _malformed(exc) from exc
    raise ApiError(422, "missing_file", f"the form has no {FORM_FIELD!r} field with the file")


def _checked(part: BodyPartReader) -> Callable[[int], Awaitable[bytes]]:
    """``part``'s reader, a malformed body a 400 like a malformed header."""

    async def read(size: int) -> bytes:
        try:
            return await part.read_chunk(size)
        except (ValueError, HttpProcessingError) as exc:
            raise _malformed(exc) from exc

    return read


def _malformed(exc: Exception) -> ApiError:
    reason = getattr(exc, "message", "") or type(exc).__name__
    return ApiError(400, "malformed_request", f"the multipart body is malformed: {reason}")
