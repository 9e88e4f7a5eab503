"""Where an uploaded file's bytes come from: a raw body, a multipart form's ``file`` field or
a fetched URL, each read piece by piece (never whole)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from services.gateway.http.errors import ApiError

__all__ = ["FORM_FIELD", "IncomingFile", "checked_filename", "form_file"]

FORM_FIELD = "file"
MAX_FILENAME = 255


@dataclass(frozen=True, kw_only=True)
class IncomingFile:
    """A file arriving: how to read it, and what it says about itself."""

    read: Callable[[int], Awaitable[bytes]]  # up to n bytes; b"" at the end
    claimed: str = ""  # the Content-Type it came with
    declared: int | None = None  # its length, when told beforehand
    filename: str | None = None


def checked_filename(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if len(raw) > MAX_FILENAME or any(c in raw for c in "/\\\x00") or not raw.isprintable():
        raise ApiError(422, "invalid_filename", "a filename is printable, without / or \\")
    return raw


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
