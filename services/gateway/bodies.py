"""Request bodies: decoded and validated at the edge into typed Structs."""

from typing import Annotated, TypeVar

import msgspec
from aiohttp import web

from services.gateway.errors import ApiError

T = TypeVar("T")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NewTenant(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name


class NewSession(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name


async def read_body(request: web.Request, kind: type[T]) -> T:
    raw = await request.read()
    try:
        msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from exc
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise ApiError(422, "validation_failed", str(exc)) from exc
